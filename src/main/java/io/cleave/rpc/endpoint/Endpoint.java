package io.cleave.rpc.endpoint;

import io.cleave.rpc.CallContext;

/** One RPC method as a function, go-kit's endpoint: the service call at the core, middleware wrapped around it. */
@FunctionalInterface
public interface Endpoint {

	Object call(Object request, CallContext context);
}
