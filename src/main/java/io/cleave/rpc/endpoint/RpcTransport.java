package io.cleave.rpc.endpoint;

import io.cleave.rpc.CallContext;

/**
 * The transport SPI: carries one call to wherever its service is hosted and returns the response record, or throws
 * what the call failed with ({@link io.cleave.status.StatusException} subtypes, restored to the callee's declared
 * type where the transport can). In-process calls go straight to the local endpoint chain; a remote transport is
 * selected by {@code cleave.transport.rpc} for services whose module this node does not host.
 */
@FunctionalInterface
public interface RpcTransport {

	/** Calls {@code method} with {@code request} (an instance of its request record) within {@code context}. */
	Object invoke(MethodDescriptor method, Object request, CallContext context);
}
