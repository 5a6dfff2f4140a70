package io.cleave.rpc.endpoint;

/** Wraps a method's endpoint in one concern (deadline, metrics, …); applied once per method when the chain is built. */
@FunctionalInterface
public interface EndpointMiddleware {

	Endpoint apply(MethodDescriptor method, Endpoint next);
}
