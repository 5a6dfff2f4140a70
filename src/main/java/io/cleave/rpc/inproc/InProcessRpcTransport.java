package io.cleave.rpc.inproc;

import io.cleave.rpc.CallContext;
import io.cleave.rpc.endpoint.LocalEndpoints;
import io.cleave.rpc.endpoint.MethodDescriptor;
import io.cleave.rpc.endpoint.RpcTransport;

/** Calls services hosted on this node: the request record itself goes through the method's endpoint chain. */
public final class InProcessRpcTransport implements RpcTransport {

	private final LocalEndpoints endpoints;

	public InProcessRpcTransport(LocalEndpoints endpoints) {
		this.endpoints = endpoints;
	}

	@Override
	public Object invoke(MethodDescriptor method, Object request, CallContext context) {
		return endpoints.endpoint(method).call(request, context);
	}
}
