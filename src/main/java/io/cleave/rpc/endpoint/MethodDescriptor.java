package io.cleave.rpc.endpoint;

import java.lang.reflect.Method;

/**
 * One method of an RPC service, as every transport sees it.
 *
 * @param service the service's name ({@code DB})
 * @param name the method's RPC name: its Java name with the first letter in upper case ({@code Query})
 * @param method the interface method
 * @param requestType the record the method takes
 * @param responseType the record the method returns
 * @param idempotent whether the method is marked {@link io.cleave.rpc.Idempotent}, so transports may retry it
 */
public record MethodDescriptor(String service, String name, Method method, Class<? extends Record> requestType,
		Class<? extends Record> responseType, boolean idempotent) {

	/** {@code service/method}, gRPC's spelling of a full method name. */
	public String fullName() {
		return service + "/" + name;
	}

	// Descriptors key the endpoint maps on every call: hash the two names (their hashes are cached), not the Method.
	@Override
	public int hashCode() {
		return 31 * service.hashCode() + name.hashCode();
	}

	@Override
	public boolean equals(Object other) {
		return this == other || other instanceof MethodDescriptor that && service.equals(that.service)
				&& name.equals(that.name) && method.equals(that.method) && requestType == that.requestType
				&& responseType == that.responseType && idempotent == that.idempotent;
	}

	@Override
	public String toString() {
		return fullName();
	}
}
