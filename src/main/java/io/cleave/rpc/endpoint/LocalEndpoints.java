package io.cleave.rpc.endpoint;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.cleave.status.Status;
import io.cleave.status.StatusException;

import org.jspecify.annotations.Nullable;

/**
 * The endpoint chains of the services this node hosts, one per method: what the in-process transport calls, and what
 * a server transport calls on behalf of remote callers.
 * <p>
 * Implementations are looked up on first use (or at {@link #initialize()}), not at construction: an implementation
 * may itself inject other services, whose proxies lead back here.
 */
public final class LocalEndpoints {

	private final ServiceCatalog catalog;

	private final Function<ServiceDescriptor, Object> implementations;

	private final List<EndpointMiddleware> middlewares;

	private volatile @Nullable Map<MethodDescriptor, Endpoint> endpoints;

	/**
	 * @param catalog the services, of which the hosted ones get endpoints
	 * @param implementations the implementation of a hosted service
	 * @param middlewares the chain around each method, outermost first (see {@link EndpointMiddlewares#standard})
	 */
	public LocalEndpoints(ServiceCatalog catalog, Function<ServiceDescriptor, Object> implementations,
			List<EndpointMiddleware> middlewares) {
		this.catalog = catalog;
		this.implementations = implementations;
		this.middlewares = List.copyOf(middlewares);
	}

	/**
	 * The chain of {@code method}.
	 *
	 * @throws StatusException {@link Status#UNIMPLEMENTED} when this node does not host the method's service
	 */
	public Endpoint endpoint(MethodDescriptor method) {
		Endpoint endpoint = initialize().get(method);
		if (endpoint == null) {
			throw new StatusException(Status.UNIMPLEMENTED, method.fullName() + " is not served by this node");
		}
		return endpoint;
	}

	/** Builds every chain now; idempotent. */
	public Map<MethodDescriptor, Endpoint> initialize() {
		Map<MethodDescriptor, Endpoint> built = endpoints;
		if (built == null) {
			synchronized (this) {
				built = endpoints;
				if (built == null) {
					built = build();
					endpoints = built;
				}
			}
		}
		return built;
	}

	private Map<MethodDescriptor, Endpoint> build() {
		Map<MethodDescriptor, Endpoint> built = new HashMap<>();
		for (ServiceDescriptor service : catalog.hosted()) {
			Object implementation = implementations.apply(service);
			for (MethodDescriptor method : service.methods()) {
				built.put(method, EndpointMiddlewares.chain(method, middlewares, ServiceCall.of(method, implementation)));
			}
		}
		return Map.copyOf(built);
	}
}
