package io.cleave.gateway.opentelemetry;

import java.util.Collections;

import jakarta.servlet.http.HttpServletRequest;

import io.cleave.gateway.web.RequestSpans;
import io.opentelemetry.api.OpenTelemetry;
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

/**
 * Requests' server spans on OpenTelemetry's API — Boot's tracer and context, which Micrometer Tracing bridges, so logs
 * get the trace id through Boot's scope listeners and RPC, messaging and proxied calls nest under the span — each a
 * child of the span an incoming {@code traceparent} names. The sampler decides when a span starts; an unsampled span
 * records nothing, but its ids are still current, for logs and children.
 */
final class OpenTelemetryRequestSpans implements RequestSpans {

	private static final String INSTRUMENTATION_SCOPE = "io.cleave.gateway";

	private final Tracer tracer;

	private final TextMapPropagator propagator;

	OpenTelemetryRequestSpans(OpenTelemetry openTelemetry) {
		this.tracer = openTelemetry.getTracer(INSTRUMENTATION_SCOPE);
		this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
	}

	@Override
	public Current start(HttpServletRequest request, String name) {
		Context parent = this.propagator.extract(Context.root(), request, Headers.INSTANCE);
		Span span = this.tracer.spanBuilder(name).setSpanKind(SpanKind.SERVER).setParent(parent).startSpan();
		return new Traced(span, parent.with(span).makeCurrent());
	}

	private static final class Traced implements Current {

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
		public boolean recording() {
			return this.span.isRecording();
		}

		@Override
		public void rename(String name) {
			this.span.updateName(name);
		}

		@Override
		public void tag(String key, String value) {
			this.span.setAttribute(key, value);
		}

		@Override
		public void end(@Nullable Throwable error) {
			if (error != null && this.span.isRecording()) {
				this.span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
				this.span.recordException(error);
			}
			this.span.end();
		}

		@Override
		public @Nullable String traceId() {
			SpanContext context = this.span.getSpanContext();
			return context.isValid() ? context.getTraceId() : null;
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
