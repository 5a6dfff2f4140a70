package io.cleave.rpc.opentelemetry;

import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

import io.cleave.rpc.CallContext;
import io.cleave.rpc.endpoint.EndpointMiddleware;
import io.cleave.rpc.endpoint.RpcTracing;
import io.cleave.status.Status;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;

import org.jspecify.annotations.Nullable;

/**
 * RPC's tracing on OpenTelemetry: the server span each call runs in, and the trace context a call made while serving
 * one carries to a remote callee. The one place the rpc module speaks OpenTelemetry.
 */
public final class OpenTelemetryRpc {

	/** Instrumentation scope of the spans. */
	public static final String INSTRUMENTATION_SCOPE = "io.cleave.rpc";

	/** Span attribute naming the call's final status. */
	public static final AttributeKey<String> RPC_STATUS = AttributeKey.stringKey("rpc.status");

	private static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");

	private static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");

	private static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");

	private OpenTelemetryRpc() {
	}

	/**
	 * RPC's tracing through {@code openTelemetry}; with {@link OpenTelemetry#noop()} (tracing off or absent) none at
	 * all: no middleware in the chain, metadata passed on as it is.
	 */
	public static RpcTracing tracing(OpenTelemetry openTelemetry) {
		return openTelemetry == OpenTelemetry.noop() ? RpcTracing.none()
				: new RpcTracing(serverSpans(openTelemetry), traceContext(openTelemetry));
	}

	/**
	 * Traces each call as an OpenTelemetry server span named {@code service/method}, current while the service runs
	 * (so its logs carry the trace id and its own calls are children). An in-process call's parent is the span current
	 * on the calling thread; a call from another node, which arrives with no span current, continues the trace its
	 * metadata carries ({@code traceparent}). The sampler decides once, when the span starts; an unsampled span
	 * records nothing and gets no attributes, but its context is still current, so its children stay unsampled and
	 * logs still name the trace. An in-process call made under an unsampled span gets no span of its own: it runs in
	 * its caller's (logs there name the caller's span). With {@link OpenTelemetry#noop()} (tracing off) it passes calls
	 * through untouched.
	 * <p>
	 * It speaks OpenTelemetry's API rather than Micrometer Tracing's: same tracer and context (Boot's bridge shares
	 * them, so Micrometer spans and these nest either way), but making a span current through Micrometer's bridge cost
	 * 2–5× more per call (bench/results/rpc-inproc.md).
	 */
	static EndpointMiddleware serverSpans(OpenTelemetry openTelemetry) {
		Tracer tracer = openTelemetry.getTracer(INSTRUMENTATION_SCOPE);
		TextMapPropagator propagator = openTelemetry.getPropagators().getTextMapPropagator();
		return (method, next) -> {
			String name = method.fullName();
			Attributes attributes = Attributes.of(RPC_SYSTEM, "cleave", RPC_SERVICE, method.service(), RPC_METHOD,
					method.name());
			return (request, context) -> {
				Span current = Span.current();
				if (!current.isRecording() && current.getSpanContext().isValid()) {
					// In process, under a span the sampler dropped: Boot's parent-based sampler would drop a child too,
					// and it would record nothing. The caller's context, current already, names the trace in the
					// service's logs and goes on with its calls. Saves about 1 µs per call (bench/gateway.sh, JFR).
					return next.call(request, context);
				}
				Context parent = parent(propagator, context);
				Span span = tracer.spanBuilder(name).setSpanKind(SpanKind.SERVER).setParent(parent).startSpan();
				boolean recording = span.isRecording();
				if (recording) {
					span.setAllAttributes(attributes);
				}
				try (Scope scope = parent.with(span).makeCurrent()) {
					Object response = next.call(request, context);
					if (recording) {
						span.setAttribute(RPC_STATUS, Status.OK.name());
					}
					return response;
				}
				catch (Throwable failure) {
					if (recording) {
						span.setAttribute(RPC_STATUS, Status.of(failure).name());
						span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
						span.recordException(failure);
					}
					throw failure;
				}
				finally {
					span.end();
				}
			};
		};
	}

	private static Context parent(TextMapPropagator propagator, CallContext context) {
		Context current = Context.current();
		// Remote callers' trace context is in the metadata; in-process calls made while serving another inherit that
		// metadata too, but their parent is the span current on this thread. Empty metadata: no lookup at all.
		if (context.metadata().isEmpty() || Span.fromContext(current).getSpanContext().isValid()) {
			return current;
		}
		return propagator.extract(current, context.metadata(), MetadataGetter.INSTANCE);
	}

	/** Reads trace headers from a call's metadata. */
	private enum MetadataGetter implements TextMapGetter<Map<String, String>> {

		INSTANCE;

		@Override
		public Iterable<String> keys(Map<String, String> metadata) {
			return metadata.keySet();
		}

		@Override
		public @Nullable String get(@Nullable Map<String, String> metadata, String key) {
			return metadata == null ? null : metadata.get(key);
		}
	}

	/**
	 * Writes the current span's context ({@code traceparent}, …) over the one a call's metadata carries, so that a
	 * remote callee's span is a child of the span serving the call here, not a sibling; without a current span the
	 * metadata stays as it is.
	 */
	static UnaryOperator<Map<String, String>> traceContext(OpenTelemetry openTelemetry) {
		if (openTelemetry == OpenTelemetry.noop()) {
			return UnaryOperator.identity();
		}
		TextMapPropagator propagator = openTelemetry.getPropagators().getTextMapPropagator();
		return metadata -> {
			Context current = Context.current();
			if (!Span.fromContext(current).getSpanContext().isValid()) {
				return metadata;
			}
			Map<String, String> carrier = new HashMap<>(metadata);
			propagator.inject(current, carrier, (map, key, value) -> {
				if (map != null) {
					map.put(key, value);
				}
			});
			return carrier;
		};
	}

}
