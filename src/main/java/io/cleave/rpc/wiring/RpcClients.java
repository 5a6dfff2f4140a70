package io.cleave.rpc.wiring;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import io.cleave.rpc.CallContext;
import io.cleave.rpc.Deadline;
import io.cleave.rpc.InvalidRequestException;
import io.cleave.rpc.endpoint.MethodDescriptor;
import io.cleave.rpc.endpoint.RpcTransport;
import io.cleave.rpc.endpoint.ServiceCatalog;
import io.cleave.rpc.endpoint.ServiceDescriptor;
import io.cleave.status.Status;
import io.cleave.status.StatusException;

import org.jspecify.annotations.Nullable;

/**
 * The calling side: picks each service's transport (in-process when this node hosts it, the remote transport
 * otherwise), gives every call its context, and builds the proxies other modules inject.
 */
final class RpcClients {

	private final ServiceCatalog catalog;

	private final RpcTransport local;

	private final Supplier<@Nullable RpcTransport> remote;

	private final long defaultDeadlineNanos;

	private final String nodeName;

	private final UnaryOperator<Map<String, String>> traceContext;

	/**
	 * @param remote the transport to services hosted elsewhere, or null when none is configured
	 * @param defaultDeadline the deadline of a call made outside any other call
	 * @param nodeName the caller identity of calls made outside any other call
	 * @param traceContext puts the trace context current on the calling thread into a remote call's metadata
	 *     (in-process calls need none: their span's parent is the thread's current span)
	 */
	RpcClients(ServiceCatalog catalog, RpcTransport local, Supplier<@Nullable RpcTransport> remote,
			Duration defaultDeadline, String nodeName, UnaryOperator<Map<String, String>> traceContext) {
		this.catalog = catalog;
		this.local = local;
		this.remote = remote;
		this.defaultDeadlineNanos = defaultDeadline.toNanos();
		this.nodeName = nodeName;
		this.traceContext = traceContext;
	}

	RpcClients(ServiceCatalog catalog, RpcTransport local, Supplier<@Nullable RpcTransport> remote,
			Duration defaultDeadline, String nodeName) {
		this(catalog, local, remote, defaultDeadline, nodeName, UnaryOperator.identity());
	}

	ServiceCatalog catalog() {
		return catalog;
	}

	/**
	 * The transport that reaches {@code service}.
	 *
	 * @throws StatusException {@link Status#UNAVAILABLE} when another node hosts it and no remote transport is set up
	 */
	RpcTransport transportFor(ServiceDescriptor service) {
		if (catalog.isHosted(service)) {
			return local;
		}
		RpcTransport transport = remote.get();
		if (transport == null) {
			throw new StatusException(Status.UNAVAILABLE, "RPC service " + service + " belongs to module '"
					+ service.module() + "', which this node does not host (cleave.node.modules), and no remote RPC"
					+ " transport is configured (cleave.transport.rpc)");
		}
		return (method, request, context) -> transport.invoke(method, request,
				new CallContext(context.deadline(), context.caller(), traceContext.apply(context.metadata())));
	}

	/**
	 * The context of a new call: inside another call it inherits that call's caller and remaining time, cut to
	 * {@code timeout} if that is shorter; outside, it gets {@code timeout} or the default deadline.
	 */
	CallContext newContext(@Nullable Duration timeout) {
		CallContext current = CallContext.current();
		if (current == null) {
			Deadline deadline = timeout == null ? Deadline.afterNanos(defaultDeadlineNanos) : Deadline.after(timeout);
			return new CallContext(deadline, nodeName, Map.of());
		}
		// A call made while serving another is part of it: same caller, the time left, and its trace context
		// (the metadata), so that a trace crosses every hop and not only the first.
		Deadline deadline = timeout == null ? current.deadline() : current.deadline().earliest(Deadline.after(timeout));
		return new CallContext(deadline, current.caller(), current.metadata());
	}

	/** The proxy that calls {@code type}'s service through its transport. */
	<T> T proxy(Class<T> type) {
		ServiceDescriptor service = catalog.find(type).orElseThrow(
				() -> new IllegalArgumentException(type.getName() + " is not a known @RpcService interface"));
		Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type },
				new ServiceProxy(service, transportFor(service)));
		return type.cast(proxy);
	}

	/** Dispatches interface calls to the transport; answers Object's own methods itself. */
	private final class ServiceProxy implements InvocationHandler {

		private final ServiceDescriptor service;

		private final RpcTransport transport;

		private final Map<Method, MethodDescriptor> methods = new HashMap<>();

		ServiceProxy(ServiceDescriptor service, RpcTransport transport) {
			this.service = service;
			this.transport = transport;
			service.methods().forEach(method -> methods.put(method.method(), method));
		}

		@Override
		public @Nullable Object invoke(Object proxy, Method method, @Nullable Object @Nullable [] args) {
			MethodDescriptor rpc = methods.get(method);
			if (rpc != null) {
				if (args == null || args[0] == null) {
					throw new InvalidRequestException("", "the request must not be null");
				}
				return transport.invoke(rpc, args[0], newContext(null));
			}
			return switch (method.getName()) {
				case "equals" -> args != null && proxy == args[0];
				case "hashCode" -> System.identityHashCode(proxy);
				case "toString" -> "RPC client of " + service;
				default -> throw new UnsupportedOperationException(method.toString());
			};
		}
	}
}
