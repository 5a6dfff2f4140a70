package io.cleave.rpc.endpoint;

import java.util.List;
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

	/**
	 * @param services the services, with unique names (see {@link ServiceContracts#describeAll})
	 * @param hostedModule whether this node hosts a module, by name
	 */
	public ServiceCatalog(List<ServiceDescriptor> services, Predicate<String> hostedModule) {
		this.services = List.copyOf(services);
		this.hostedModule = hostedModule;
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
		return services.stream().filter(service -> RpcNames.matches(service.name(), requested)).findFirst();
	}

	/** The service declared by {@code type}, if it is one. */
	public Optional<ServiceDescriptor> find(Class<?> type) {
		return services.stream().filter(service -> service.type() == type).findFirst();
	}

	/**
	 * The method {@code service/method}, names matched as {@link #find(String)} does.
	 *
	 * @throws StatusException {@link Status#NOT_FOUND} naming the unknown service or method
	 */
	public MethodDescriptor method(String service, String method) {
		ServiceDescriptor found = find(service).orElseThrow(() -> new StatusException(Status.NOT_FOUND,
				"no RPC service '" + service + "'; services: " + services.stream().map(ServiceDescriptor::name).toList()));
		return found.method(method).orElseThrow(() -> new StatusException(Status.NOT_FOUND,
				"service " + found.name() + " has no method '" + method + "'; methods: "
						+ found.methods().stream().map(MethodDescriptor::name).toList()));
	}
}
