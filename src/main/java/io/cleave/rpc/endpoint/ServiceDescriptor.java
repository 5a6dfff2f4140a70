package io.cleave.rpc.endpoint;

import java.util.List;
import java.util.Optional;

/**
 * One RPC service: its name, the interface that declares it, the module whose API holds that interface, and its
 * methods in declaration order (by name).
 *
 * @param name the service's name from {@link io.cleave.rpc.RpcService}
 * @param type the service interface
 * @param module the application module that declares (and hosts) the service, such as {@code kv} or
 *     {@code shop.orders}
 * @param methods one descriptor per method, sorted by name
 */
public record ServiceDescriptor(String name, Class<?> type, String module, List<MethodDescriptor> methods) {

	public ServiceDescriptor {
		methods = List.copyOf(methods);
	}

	/** The method called {@code requested}, matched as declared or with its first letter in upper case (goms). */
	public Optional<MethodDescriptor> method(String requested) {
		return methods.stream().filter(method -> RpcNames.matches(method.name(), requested)).findFirst();
	}

	@Override
	public String toString() {
		return name + " (" + type.getName() + ")";
	}
}
