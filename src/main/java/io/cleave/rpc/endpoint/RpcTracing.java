package io.cleave.rpc.endpoint;

import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * How RPC calls are traced, whatever the tracing library: the middleware that runs each served call in a span, and
 * what a call going out writes into its metadata ({@code traceparent}, …). Provided by a tracing adapter
 * ({@code rpc.opentelemetry}); {@link #none()} without one.
 *
 * @param middleware the chain's tracing step
 * @param outgoingMetadata rewrites an outgoing call's metadata with the current trace context
 */
public record RpcTracing(EndpointMiddleware middleware, UnaryOperator<Map<String, String>> outgoingMetadata) {

	/** No tracing: calls pass through, metadata goes out as it came in. */
	public static RpcTracing none() {
		return new RpcTracing((method, next) -> next, UnaryOperator.identity());
	}
}
