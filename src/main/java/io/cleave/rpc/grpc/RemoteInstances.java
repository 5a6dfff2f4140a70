package io.cleave.rpc.grpc;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.cleave.registry.ServiceInstance;
import io.cleave.registry.ServiceRegistry;
import io.cleave.rpc.RpcProperties;
import io.cleave.status.Status;
import io.cleave.status.StatusException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.jspecify.annotations.Nullable;

/**
 * The remote instances of RPC services as a caller sees them: read from the registry on every pick (its cache is fed
 * by a watch, so an instance that goes away stops being picked within the watch's latency), each with its channels,
 * its count of calls under way and its circuit breaker. Picks prefer the caller's zone and skip instances whose
 * breaker is open.
 */
final class RemoteInstances implements AutoCloseable {

	private final ServiceRegistry registry;

	private final RpcProperties.Grpc settings;

	private final @Nullable String zone;

	private final CircuitBreakerConfig breakerConfig;

	private final Map<String, Remote> remotes = new ConcurrentHashMap<>();

	private final AtomicInteger turn = new AtomicInteger();

	RemoteInstances(ServiceRegistry registry, RpcProperties.Grpc settings, @Nullable String zone) {
		this.registry = registry;
		this.settings = settings;
		this.zone = zone;
		RpcProperties.Breaker breaker = settings.breaker();
		this.breakerConfig = CircuitBreakerConfig.custom()
				.failureRateThreshold(breaker.failureRateThreshold())
				.slidingWindowSize(breaker.slidingWindow())
				.minimumNumberOfCalls(breaker.minimumCalls())
				.waitDurationInOpenState(breaker.waitInOpenState())
				// only an unreachable instance counts against it: not a business error (even an UNAVAILABLE one the
				// callee answered with), nor the caller's own deadline
				.recordException(failure -> failure instanceof StatusRuntimeException status
						&& status.getStatus().getCode() == io.grpc.Status.Code.UNAVAILABLE
						&& !GrpcCalls.answeredByCallee(status))
				.build();
	}

	/**
	 * An instance of {@code service} to call, not among {@code excluded}, whose breaker lets a call through (the
	 * caller must report the outcome to {@link Remote#breaker()}).
	 *
	 * @throws StatusException UNAVAILABLE when there is none
	 */
	Remote pick(String service, Set<String> excluded) {
		String registryName = GrpcServer.registryName(service);
		List<ServiceInstance> instances = registry.instances(registryName);
		List<Remote> elsewhere = new ArrayList<>(instances.size());
		List<Remote> local = new ArrayList<>(instances.size());
		for (ServiceInstance instance : instances) {
			URI address = instance.addresses().get("grpc");
			if (address == null || excluded.contains(instance.id())) {
				continue;
			}
			Remote remote = remotes.computeIfAbsent(key(instance, address), key -> new Remote(instance, address));
			(zone != null && zone.equals(instance.zone()) ? local : elsewhere).add(remote);
		}
		// this zone first; other zones when it has none, or none whose breaker lets a call through
		for (List<Remote> pool : List.of(local, elsewhere)) {
			while (!pool.isEmpty()) {
				Remote chosen = choose(pool);
				if (chosen.breaker.tryAcquirePermission()) {
					return chosen;
				}
				pool.remove(chosen);
			}
		}
		throw new StatusException(Status.UNAVAILABLE, "no instance of RPC service " + service + " is available ("
				+ instances.size() + " registered as '" + registryName + "'"
				+ (excluded.isEmpty() ? "" : ", " + excluded.size() + " already tried") + ")");
	}

	private Remote choose(List<Remote> pool) {
		int start = Math.floorMod(turn.getAndIncrement(), pool.size());
		if (settings.balancing() == RpcProperties.Balancing.ROUND_ROBIN) {
			return pool.get(start);
		}
		Remote least = pool.get(start);
		for (int i = 1; i < pool.size(); i++) {
			Remote next = pool.get((start + i) % pool.size());
			if (next.outstanding.get() < least.outstanding.get()) {
				least = next;
			}
		}
		return least;
	}

	/** Closes the channels of an instance that left the registry. */
	void forget(ServiceInstance instance) {
		URI address = instance.addresses().get("grpc");
		if (address != null) {
			Remote gone = remotes.remove(key(instance, address));
			if (gone != null) {
				gone.close();
			}
		}
	}

	Collection<Remote> known() {
		return remotes.values();
	}

	@Override
	public void close() {
		remotes.values().forEach(Remote::close);
		remotes.clear();
	}

	private static String key(ServiceInstance instance, URI address) {
		return instance.service() + "/" + instance.id() + "@" + address;
	}

	/** One instance of a service: its channels, the calls under way to it and its breaker. */
	final class Remote {

		final ServiceInstance instance;

		final AtomicInteger outstanding = new AtomicInteger();

		private final ManagedChannel[] connections;

		private final Channel[] channels;

		private final AtomicInteger next = new AtomicInteger();

		private final CircuitBreaker breaker;

		Remote(ServiceInstance instance, URI address) {
			this.instance = instance;
			this.breaker = CircuitBreaker.of(instance.service() + "/" + instance.id(), breakerConfig);
			this.connections = new ManagedChannel[settings.connectionsPerInstance()];
			this.channels = new Channel[connections.length];
			for (int i = 0; i < connections.length; i++) {
				connections[i] = NettyChannelBuilder.forAddress(Objects.requireNonNull(address.getHost()), address.getPort())
						.usePlaintext()
						.build();
				channels[i] = ClientInterceptors.intercept(connections[i], GrpcCalls.HEADERS_INTERCEPTOR);
			}
		}

		Channel channel() {
			return channels.length == 1 ? channels[0] : channels[Math.floorMod(next.getAndIncrement(), channels.length)];
		}

		CircuitBreaker breaker() {
			return breaker;
		}

		void close() {
			for (ManagedChannel channel : connections) {
				channel.shutdown();
			}
			for (ManagedChannel channel : connections) {
				try {
					if (!channel.awaitTermination(1, TimeUnit.SECONDS)) {
						channel.shutdownNow();
					}
				}
				catch (InterruptedException ex) {
					channel.shutdownNow();
					Thread.currentThread().interrupt();
				}
			}
		}
	}
}
