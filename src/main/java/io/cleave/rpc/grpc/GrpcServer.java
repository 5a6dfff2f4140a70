package io.cleave.rpc.grpc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.cleave.registry.ServiceInstance;
import io.cleave.registry.ServiceRegistry;
import io.cleave.rpc.CallContext;
import io.cleave.rpc.endpoint.Endpoint;
import io.cleave.rpc.endpoint.LocalEndpoints;
import io.cleave.rpc.endpoint.MethodDescriptor;
import io.cleave.rpc.endpoint.ServiceDescriptor;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpc.stub.ServerCalls;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.health.contributor.Health;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;

/**
 * Serves this node's hosted RPC services over gRPC (plain grpc-java on Netty), with server reflection and the standard
 * health service beside them, and registers each service with this node's instance in the registry once the
 * application is ready. Calls run on virtual threads, through the same endpoint chain as in-process calls.
 * <p>
 * Stopping is graceful: health turns NOT_SERVING and the instances are deregistered (callers stop picking this node
 * within their registry watch's latency), calls under way get {@link #GRACE} to finish, the rest are cut.
 */
final class GrpcServer implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(GrpcServer.class);

	/** How long in-flight calls get to finish when the application stops. */
	static final Duration GRACE = Duration.ofSeconds(2);

	private static final Context.Key<Metadata> HEADERS = Context.key("cleave-rpc-headers");

	private final GrpcSettings settings;

	private final GrpcMethods methods;

	private final List<ServiceDescriptor> hosted;

	private final LocalEndpoints endpoints;

	private final ServiceRegistry registry;

	private final long defaultDeadlineNanos;

	private final HealthStatusManager health = new HealthStatusManager();

	private final List<ServiceInstance> registered = new ArrayList<>();

	private volatile @Nullable Running running;

	GrpcServer(GrpcSettings settings, GrpcMethods methods, List<ServiceDescriptor> hosted, LocalEndpoints endpoints,
			ServiceRegistry registry, Duration defaultDeadline) {
		this.settings = settings;
		this.methods = methods;
		this.hosted = List.copyOf(hosted);
		this.endpoints = endpoints;
		this.registry = registry;
		this.defaultDeadlineNanos = defaultDeadline.toNanos();
	}

	/** The port the server listens on: the configured one, or the one the system chose for port 0. */
	int port() {
		Running current = running;
		if (current == null) {
			throw new IllegalStateException("the RPC gRPC server is not running");
		}
		return current.server().getPort();
	}

	/**
	 * Readiness (see application.yml): UP with the address it listens on once the server runs, OUT_OF_SERVICE naming
	 * what it waits for until then (and again once it stops).
	 */
	Health health() {
		Running current = running;
		return current != null
				? Health.up().withDetail("listening", settings.address() + ":" + current.server().getPort()).build()
				: Health.outOfService()
						.withDetail("waiting for", "the RPC gRPC server to listen on " + settings.address() + ":"
								+ settings.port())
						.build();
	}

	/** The address other nodes reach this server at, as registered: {@code grpc://host:port}. */
	URI address() {
		return URI.create("grpc://" + advertisedHost() + ":" + port());
	}

	@Override
	public void start() {
		ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
		NettyServerBuilder builder = NettyServerBuilder
				.forAddress(new InetSocketAddress(settings.address(), settings.port()))
				.executor(executor)
				.addService(ProtoReflectionServiceV1.newInstance())
				.addService(health.getHealthService());
		ServerInterceptor headers = new ServerInterceptor() {
			@Override
			public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata metadata,
					ServerCallHandler<Q, R> next) {
				return Contexts.interceptCall(Context.current().withValue(HEADERS, metadata), call, metadata, next);
			}
		};
		for (ServiceDescriptor service : hosted) {
			builder.addService(ServerInterceptors.intercept(definition(service), headers));
		}
		try {
			running = new Running(builder.build().start(), executor);
		}
		catch (IOException ex) {
			executor.shutdownNow();
			throw new UncheckedIOException("could not serve RPC over gRPC on " + settings.address() + ":"
					+ settings.port() + " (cleave.rpc.grpc.*)", ex);
		}
		hosted.forEach(service -> health.setStatus(methods.grpc(service).getName(), ServingStatus.SERVING));
		health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
		log.info("Serving RPC over gRPC on {}:{}: {}", settings.address(), port(),
				hosted.stream().map(ServiceDescriptor::name).toList());
	}

	private ServerServiceDefinition definition(ServiceDescriptor service) {
		ServerServiceDefinition.Builder definition = ServerServiceDefinition.builder(methods.grpc(service));
		for (MethodDescriptor method : service.methods()) {
			io.grpc.MethodDescriptor<Object, Object> grpcMethod = methods.grpc(method);
			Endpoint endpoint = endpoints.endpoint(method);
			String fullName = grpcMethod.getFullMethodName();
			definition.addMethod(grpcMethod, ServerCalls.asyncUnaryCall((request, response) -> {
				Context current = Context.current();
				Metadata metadata = HEADERS.get(current);
				CallContext context = GrpcCalls.context(current.getDeadline(),
						metadata == null ? new Metadata() : metadata, defaultDeadlineNanos);
				if (request instanceof RecordMarshaller.Malformed malformed) {
					response.onError(malformed.asStatus(io.grpc.Status.INVALID_ARGUMENT));
					return;
				}
				Object answer;
				try {
					answer = endpoint.call(request, context);
				}
				catch (RuntimeException | Error failure) {
					response.onError(GrpcCalls.toStatus(failure, fullName));
					return;
				}
				response.onNext(answer);
				response.onCompleted();
			}));
		}
		return definition.build();
	}

	/** Registers each hosted service with this node's instance once the node is ready to serve. */
	@EventListener(ApplicationReadyEvent.class)
	void register() {
		if (running == null) {
			return;
		}
		for (ServiceDescriptor service : hosted) {
			Map<String, String> metadata = new LinkedHashMap<>();
			metadata.put("rpc.service", service.name());
			metadata.put("rpc.grpc-service", methods.grpc(service).getName());
			metadata.put("rpc.methods", String.join(",", service.methods().stream().map(MethodDescriptor::name).toList()));
			metadata.put("rpc.proto", "/rpc/proto/" + service.name() + ".proto");
			ServiceInstance instance = new ServiceInstance(registryName(service.name()), settings.nodeName(),
					Map.of("grpc", address()), settings.zone(), settings.version(), settings.weight(), metadata);
			registry.registerWithNode(instance);
			synchronized (registered) {
				registered.add(instance);
			}
		}
	}

	/** The registry's name for an RPC service: {@code rpc-} and the name in lower-case kebab case ({@code rpc-db}). */
	static String registryName(String service) {
		return "rpc-" + ProtoSchema.snakeCase(service).replace('_', '-').toLowerCase(Locale.ROOT);
	}

	@Override
	public void stop() {
		Running current = running;
		running = null;
		if (current == null) {
			return;
		}
		health.enterTerminalState();
		synchronized (registered) {
			for (ServiceInstance instance : registered) {
				try {
					registry.deregister(instance.service(), instance.id());
				}
				catch (RuntimeException ex) {
					log.warn("Could not deregister {} from the registry; it expires with this node's lease",
							instance.service(), ex);
				}
			}
			registered.clear();
		}
		current.stop();
	}

	@Override
	public boolean isRunning() {
		return running != null;
	}

	/** Stops before the registry, so that deregistering still reaches it. */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 500; // the registry's watch hub stops at DEFAULT_PHASE - 1000
	}

	private String advertisedHost() {
		if (!settings.host().isBlank()) {
			return settings.host();
		}
		try {
			InetAddress bound = InetAddress.getByName(settings.address());
			return bound.isAnyLocalAddress() ? InetAddress.getLocalHost().getHostAddress() : bound.getHostAddress();
		}
		catch (UnknownHostException ex) {
			return InetAddress.getLoopbackAddress().getHostAddress();
		}
	}

	private record Running(Server server, ExecutorService executor) {

		void stop() {
			server.shutdown();
			try {
				if (!server.awaitTermination(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
					server.shutdownNow().awaitTermination(GRACE.toMillis(), TimeUnit.MILLISECONDS);
				}
			}
			catch (InterruptedException ex) {
				server.shutdownNow();
				Thread.currentThread().interrupt();
			}
			finally {
				executor.shutdownNow();
			}
		}
	}
}
