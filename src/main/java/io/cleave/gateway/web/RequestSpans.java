package io.cleave.gateway.web;

import java.util.Collections;
import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;

import org.jspecify.annotations.Nullable;
import org.springframework.web.servlet.HandlerMapping;

/**
 * The server span of each HTTP request, on OpenTelemetry's API (Boot's tracer and context, which Micrometer Tracing
 * bridges, so logs get the trace id through Boot's scope listeners and RPC, messaging and proxied calls nest under it,
 * as under the span Micrometer's tracing handler made before): named {@code http <method> <route template>}, a child of
 * an incoming {@code traceparent}'s span, tagged like {@code http.server.requests} plus {@code http.url}. The sampler
 * decides when it starts; an unsampled span gets no tags but its ids are still current, for logs and children.
 */
final class RequestSpans {

	private static final String INSTRUMENTATION_SCOPE = "io.cleave.gateway";

	private final @Nullable Tracer tracer;

	private final @Nullable TextMapPropagator propagator;

	private RequestSpans(@Nullable Tracer tracer, @Nullable TextMapPropagator propagator) {
		this.tracer = tracer;
		this.propagator = propagator;
	}

	/** Spans through {@code openTelemetry}; {@link OpenTelemetry#noop()} for none. */
	static RequestSpans of(OpenTelemetry openTelemetry) {
		return openTelemetry == OpenTelemetry.noop() ? none()
				: new RequestSpans(openTelemetry.getTracer(INSTRUMENTATION_SCOPE),
						openTelemetry.getPropagators().getTextMapPropagator());
	}

	/** No spans (tracing off): a request's trace id is then that of its {@code traceparent}, if valid. */
	static RequestSpans none() {
		return new RequestSpans(null, null);
	}

	/** Starts the request's span and makes it current on this thread. */
	Current start(HttpServletRequest request) {
		if (this.tracer == null || this.propagator == null) {
			return Untraced.INSTANCE;
		}
		Context parent = this.propagator.extract(Context.root(), request, Headers.INSTANCE);
		Span span = this.tracer.spanBuilder("http " + request.getMethod().toLowerCase(Locale.ROOT))
				.setSpanKind(SpanKind.SERVER)
				.setParent(parent)
				.startSpan();
		return new Traced(span, parent.with(span).makeCurrent());
	}

	/** A request's span while the request runs. */
	sealed interface Current permits Traced, Untraced {

		/** Makes the span no longer current on this thread (it goes on until {@link #end}). */
		void leave();

		/** Tags and ends the span of a finished request. */
		void end(HttpServletRequest request, RequestTimers.Tags tags, @Nullable Throwable error);

		/** The trace id for the access log, or {@value AccessLog#NO_TRACE}. */
		String traceId(HttpServletRequest request);
	}

	private static final class Traced implements Current {

		private static final AttributeKey<String> EXCEPTION = AttributeKey.stringKey("exception");

		private static final AttributeKey<String> METHOD = AttributeKey.stringKey("method");

		private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outcome");

		private static final AttributeKey<String> STATUS = AttributeKey.stringKey("status");

		private static final AttributeKey<String> URI = AttributeKey.stringKey("uri");

		private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("gateway.route");

		private static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");

		private static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");

		private static final AttributeKey<String> HTTP_URL = AttributeKey.stringKey("http.url");

		private final Span span;

		private @Nullable Scope scope;

		Traced(Span span, Scope scope) {
			this.span = span;
			this.scope = scope;
		}

		@Override
		public void leave() {
			Scope current = this.scope;
			if (current != null) {
				this.scope = null;
				current.close();
			}
		}

		@Override
		public void end(HttpServletRequest request, RequestTimers.Tags tags, @Nullable Throwable error) {
			if (this.span.isRecording()) {
				if (request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE) instanceof String pattern) {
					this.span.updateName("http " + request.getMethod().toLowerCase(Locale.ROOT) + " " + pattern);
				}
				this.span.setAttribute(EXCEPTION, tags.exception())
						.setAttribute(METHOD, tags.method())
						.setAttribute(OUTCOME, tags.outcome())
						.setAttribute(STATUS, Integer.toString(tags.status()))
						.setAttribute(URI, tags.uri())
						.setAttribute(ROUTE, tags.route())
						.setAttribute(RPC_SERVICE, tags.rpcService())
						.setAttribute(RPC_METHOD, tags.rpcMethod())
						.setAttribute(HTTP_URL, request.getRequestURI());
				if (error != null) {
					this.span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
					this.span.recordException(error);
				}
			}
			this.span.end();
		}

		@Override
		public String traceId(HttpServletRequest request) {
			SpanContext context = this.span.getSpanContext();
			return context.isValid() ? context.getTraceId() : AccessLog.traceIdOf(request.getHeader("traceparent"));
		}
	}

	private enum Untraced implements Current {

		INSTANCE;

		@Override
		public void leave() {
		}

		@Override
		public void end(HttpServletRequest request, RequestTimers.Tags tags, @Nullable Throwable error) {
		}

		@Override
		public String traceId(HttpServletRequest request) {
			return AccessLog.traceIdOf(request.getHeader("traceparent"));
		}
	}

	/** Reads trace headers ({@code traceparent}, {@code baggage}, …) from the request. */
	private enum Headers implements TextMapGetter<HttpServletRequest> {

		INSTANCE;

		@Override
		public Iterable<String> keys(HttpServletRequest request) {
			return Collections.list(request.getHeaderNames());
		}

		@Override
		public @Nullable String get(@Nullable HttpServletRequest request, String key) {
			return request == null ? null : request.getHeader(key);
		}
	}
}
