package io.cleave.rpc.endpoint;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import io.cleave.status.Status;
import io.cleave.status.StatusException;

/**
 * Every RPC service this application declares, whether or not this node hosts it, and which ones it hosts
 * ({@code cleave.node.modules}).
 */
public final class ServiceCatalog {

	private final List<ServiceDescriptor> services;

	private final Predicate<String> hostedModule;

	// Lookups by name run on every call by name (the gateway's /api/{service}/{method} looks a method up twice): maps
	// built once instead of a stream over the list per lookup (bench/gateway.sh, profiled: ~0.5 µs a request).
	private final RpcNames.Index<ServiceDescriptor> byName;

	private final Map<ServiceDescriptor, RpcNames.Index<MethodDescriptor>> methodsByName = new IdentityHashMap<>();

	private final Map<MethodDescriptor, ServiceDescriptor> serviceOf = new IdentityHashMap<>();

	/**
	 * @param services the services, with unique names (see {@link ServiceContracts#describeAll})
	 * @param hostedModule whether this node hosts a module, by name
	 */
	public ServiceCatalog(List<ServiceDescriptor> services, Predicate<String> hostedModule) {
		this.services = List.copyOf(services);
		this.hostedModule = hostedModule;
		this.byName = new RpcNames.Index<>(this.services, ServiceDescriptor::name);
		for (ServiceDescriptor service : this.services) {
			methodsByName.put(service, new RpcNames.Index<>(service.methods(), MethodDescriptor::name));
			service.methods().forEach(method -> serviceOf.put(method, service));
		}
	}

	/** All services, sorted by name. */
	public List<ServiceDescriptor> services() {
		return services;
	}

	/** The services whose module this node hosts. */
	public List<ServiceDescriptor> hosted() {
		return services.stream().filter(this::isHosted).toList();
	}

	public boolean isHosted(ServiceDescriptor service) {
		return hostedModule.test(service.module());
	}

	/** The service called {@code requested}, matched as declared or with its first letter in upper case (goms). */
	public Optional<ServiceDescriptor> find(String requested) {
		return Optional.ofNullable(byName.find(requested));
	}

	/** The service declared by {@code type}, if it is one. */
	public Optional<ServiceDescriptor> find(Class<?> type) {
		return services.stream().filter(service -> service.type() == type).findFirst();
	}

	/**
	 * The service that declares {@code method}, one of this catalog's methods.
	 *
	 * @throws IllegalArgumentException when {@code method} is not one of this catalog's descriptors
	 */
	public ServiceDescriptor serviceOf(MethodDescriptor method) {
		ServiceDescriptor service = serviceOf.get(method);
		if (service == null) {
			throw new IllegalArgumentException(method + " is not a method of this catalog");
		}
		return service;
	}

	/** The method {@code service/method}, names matched as {@link #find(String)} does, if there is one. */
	public Optional<MethodDescriptor> findMethod(String service, String method) {
		ServiceDescriptor found = byName.find(service);
		return found == null ? Optional.empty() : Optional.ofNullable(methodsByName.get(found).find(method));
	}

	/**
	 * The method {@code service/method}, names matched as {@link #find(String)} does.
	 *
	 * @throws StatusException {@link Status#NOT_FOUND} naming the unknown service or method
	 */
	public MethodDescriptor method(String service, String method) {
		ServiceDescriptor found = byName.find(service);
		if (found == null) {
			throw new StatusException(Status.NOT_FOUND, "no RPC service '" + service + "'; services: "
					+ services.stream().map(ServiceDescriptor::name).toList());
		}
		MethodDescriptor named = methodsByName.get(found).find(method);
		if (named == null) {
			throw new StatusException(Status.NOT_FOUND, "service " + found.name() + " has no method '" + method
					+ "'; methods: " + found.methods().stream().map(MethodDescriptor::name).toList());
		}
		return named;
	}
}
