package io.cleave.rpc.endpoint;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.cleave.rpc.Idempotent;
import io.cleave.rpc.RpcService;
import io.cleave.status.StatusException;

/** Reads a service interface into its descriptor, checking the contract of {@link RpcService} on the way. */
public final class ServiceContracts {

	private ServiceContracts() {
	}

	/**
	 * The descriptor of the {@link RpcService} interface {@code type}, declared by {@code module}.
	 *
	 * @throws RpcContractException listing everything about {@code type} that breaks the contract
	 */
	public static ServiceDescriptor describe(Class<?> type, String module) {
		List<String> problems = new ArrayList<>();
		ServiceDescriptor descriptor = describe(type, module, problems);
		if (!problems.isEmpty()) {
			throw new RpcContractException(problems);
		}
		return descriptor;
	}

	/** Describes every interface, then checks that their names are unique; reports all problems at once. */
	public static List<ServiceDescriptor> describeAll(Map<Class<?>, String> modulesByType) {
		List<String> problems = new ArrayList<>();
		List<ServiceDescriptor> services = modulesByType.entrySet().stream()
				.map(entry -> describe(entry.getKey(), entry.getValue(), problems))
				.sorted(Comparator.comparing(ServiceDescriptor::name))
				.toList();
		services.stream().collect(Collectors.groupingBy(ServiceDescriptor::name)).forEach((name, same) -> {
			if (same.size() > 1) {
				problems.add("service name " + name + " is declared by " + same.size() + " interfaces ("
						+ same.stream().map(s -> s.type().getName()).sorted().collect(Collectors.joining(", "))
						+ "); a name must be unique");
			}
		});
		if (!problems.isEmpty()) {
			throw new RpcContractException(problems);
		}
		return services;
	}

	private static ServiceDescriptor describe(Class<?> type, String module, List<String> problems) {
		RpcService annotation = type.getAnnotation(RpcService.class);
		String name = annotation == null ? type.getSimpleName() : annotation.value();
		String service = name + " (" + type.getName() + ")";
		if (!type.isInterface() || type.isAnnotation()) {
			problems.add(service + ": @RpcService belongs on an interface, found a "
					+ (type.isAnnotation() ? "annotation" : type.isEnum() ? "enum" : type.isRecord() ? "record" : "class"));
			return new ServiceDescriptor(name, type, module, List.of());
		}
		if (annotation == null) {
			problems.add(service + ": not annotated with @RpcService");
		}
		if (!RpcNames.VALID.matcher(name).matches()) {
			problems.add(service + ": service name '" + name
					+ "' must start with a letter and hold only letters, digits and '_'");
		}
		if (type.getTypeParameters().length > 0) {
			problems.add(service + ": a service interface takes no type parameters");
		}
		List<MethodDescriptor> methods = new ArrayList<>();
		Map<String, Method> byName = new HashMap<>();
		Arrays.stream(type.getMethods())
				.filter(method -> !Modifier.isStatic(method.getModifiers()))
				.sorted(Comparator.comparing(Method::getName))
				.forEach(method -> {
					String where = service + ": method " + signature(method);
					MethodDescriptor descriptor = describe(name, method, where, problems);
					Method clash = byName.putIfAbsent(descriptor.name(), method);
					if (clash != null) {
						problems.add(where + " has the same RPC name " + descriptor.name() + " as " + signature(clash)
								+ "; overloads cannot be told apart by name");
					}
					methods.add(descriptor);
				});
		if (methods.isEmpty()) {
			problems.add(service + ": declares no methods");
		}
		return new ServiceDescriptor(name, type, module, methods);
	}

	@SuppressWarnings("unchecked")
	private static MethodDescriptor describe(String service, Method method, String where, List<String> problems) {
		if (method.isDefault()) {
			problems.add(where + " is a default method; it would run in the caller, outside the endpoint chain"
					+ " and on the wrong side of the wire");
		}
		if (method.getTypeParameters().length > 0) {
			problems.add(where + " takes type parameters; requests and responses are concrete records");
		}
		Class<?>[] parameters = method.getParameterTypes();
		Class<? extends Record> request = Record.class;
		if (parameters.length != 1) {
			problems.add(where + " takes " + parameters.length + " parameters; it must take exactly one request record");
		}
		else if (!parameters[0].isRecord()) {
			problems.add(where + " takes a " + parameters[0].getName() + "; the parameter must be a record");
		}
		else {
			request = (Class<? extends Record>) parameters[0];
		}
		Class<?> returned = method.getReturnType();
		Class<? extends Record> response = Record.class;
		if (!returned.isRecord()) {
			problems.add(where + " returns " + returned.getName()
					+ "; it must return a response record (an empty record for no data)");
		}
		else {
			response = (Class<? extends Record>) returned;
		}
		for (Class<?> thrown : method.getExceptionTypes()) {
			if (!StatusException.class.isAssignableFrom(thrown)) {
				problems.add(where + " declares " + thrown.getName() + "; a method declares only business errors,"
						+ " subtypes of " + StatusException.class.getName());
			}
		}
		return new MethodDescriptor(service, RpcNames.methodName(method.getName()), method, request, response,
				method.isAnnotationPresent(Idempotent.class));
	}

	private static String signature(Method method) {
		return method.getName() + Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName)
				.collect(Collectors.joining(", ", "(", ")"));
	}
}
