package io.cleave.registry.grpc.client;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.grpc.EquivalentAddressGroup;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import io.grpc.Status;
import org.jspecify.annotations.Nullable;

/**
 * Opens the one gRPC channel a client uses for every call to an etcd cluster. The channel balances round-robin over
 * the members named by the endpoints (resolved by a static resolver, so no DNS service config is looked up), pings
 * idle connections so a dead member is noticed, and retries reads that failed with {@code UNAVAILABLE} — writes are
 * left to gRPC's transparent retry, which only resends what never reached the server.
 */
final class EtcdChannel {

	/** etcd's clients accept responses of any size; a large range must not fail on gRPC's 4 MiB default. */
	private static final int MAX_INBOUND_MESSAGE_BYTES = Integer.MAX_VALUE;

	private static final NameResolver.Args.Key<List<URI>> ENDPOINTS = NameResolver.Args.Key.create("cleave-etcd-endpoints");

	private static final StaticResolverProvider RESOLVER = new StaticResolverProvider();

	static {
		NameResolverRegistry.getDefaultRegistry().register(RESOLVER);
	}

	private EtcdChannel() {
	}

	/**
	 * A channel to the etcd members at {@code endpoints} ({@code http://host:port}).
	 *
	 * @throws IllegalArgumentException if there is no endpoint or one is not a plain {@code http://host:port} URL
	 */
	static ManagedChannel open(List<URI> endpoints) {
		if (endpoints.isEmpty()) {
			throw new IllegalArgumentException("no etcd endpoint given (cleave.registry.endpoints)");
		}
		endpoints.forEach(EtcdChannel::requirePlainHttp);
		return Grpc.newChannelBuilder(StaticResolverProvider.SCHEME + ":///etcd", InsecureChannelCredentials.create())
				.setNameResolverArg(ENDPOINTS, List.copyOf(endpoints))
				.defaultServiceConfig(serviceConfig())
				.enableRetry()
				// etcd lets a client ping every 5 s at most (--grpc-keepalive-min-time) and only while calls are open.
				.keepAliveTime(30, TimeUnit.SECONDS)
				.keepAliveTimeout(10, TimeUnit.SECONDS)
				.keepAliveWithoutCalls(false)
				.maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
				.userAgent("cleave-registry")
				.build();
	}

	private static void requirePlainHttp(URI endpoint) {
		if ("https".equals(endpoint.getScheme())) {
			throw new IllegalArgumentException("etcd endpoint " + endpoint + ": TLS (https) is not supported yet;"
					+ " use an http:// client URL");
		}
		if (!"http".equals(endpoint.getScheme()) || endpoint.getHost() == null || endpoint.getPort() < 0) {
			throw new IllegalArgumentException(
					"etcd endpoint " + endpoint + " is not a client URL of the form http://host:port");
		}
	}

	/**
	 * gRPC service config: round-robin over the members, and up to 5 attempts of the read-only calls on
	 * {@code UNAVAILABLE} (a member restarting or a connection dropped), within the call's deadline.
	 */
	private static Map<String, ?> serviceConfig() {
		List<Map<String, String>> reads = List.of(
				Map.of("service", "etcdserverpb.KV", "method", "Range"),
				Map.of("service", "etcdserverpb.Lease", "method", "LeaseTimeToLive"),
				Map.of("service", "etcdserverpb.Lease", "method", "LeaseLeases"));
		Map<String, Object> retryPolicy = Map.of(
				"maxAttempts", 5.0,
				"initialBackoff", "0.1s",
				"maxBackoff", "1s",
				"backoffMultiplier", 2.0,
				"retryableStatusCodes", List.of("UNAVAILABLE"));
		return Map.of(
				"loadBalancingConfig", List.of(Map.of("round_robin", Map.of())),
				"methodConfig", List.of(Map.of("name", reads, "retryPolicy", retryPolicy)));
	}

	/**
	 * Resolves the target {@code cleave-etcd:///etcd} to the endpoints handed to the channel as a name resolver
	 * argument: one address group per member, looked up again whenever gRPC asks for a refresh.
	 */
	static final class StaticResolverProvider extends NameResolverProvider {

		static final String SCHEME = "cleave-etcd";

		@Override
		protected boolean isAvailable() {
			return true;
		}

		@Override
		protected int priority() {
			return 5;
		}

		@Override
		public String getDefaultScheme() {
			return SCHEME;
		}

		@Override
		public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
			return List.of(InetSocketAddress.class);
		}

		@Override
		public @Nullable NameResolver newNameResolver(URI target, NameResolver.Args args) {
			List<URI> endpoints = args.getArg(ENDPOINTS);
			if (!SCHEME.equals(target.getScheme()) || endpoints == null) {
				return null;
			}
			return new NameResolver() {

				private @Nullable Listener2 listener;

				@Override
				public String getServiceAuthority() {
					URI first = endpoints.getFirst();
					return first.getHost() + ":" + first.getPort();
				}

				@Override
				public void start(Listener2 newListener) {
					listener = newListener;
					resolve();
				}

				@Override
				public void refresh() {
					resolve();
				}

				@Override
				public void shutdown() {
				}

				private void resolve() {
					Listener2 current = listener;
					if (current == null) {
						return;
					}
					try {
						List<EquivalentAddressGroup> members = new ArrayList<>();
						for (URI endpoint : endpoints) {
							InetAddress address = InetAddress.getByName(endpoint.getHost());
							members.add(new EquivalentAddressGroup(new InetSocketAddress(address, endpoint.getPort())));
						}
						current.onResult(ResolutionResult.newBuilder().setAddresses(members).build());
					}
					catch (UnknownHostException ex) {
						current.onError(Status.UNAVAILABLE.withDescription("unknown etcd host: " + ex.getMessage()));
					}
				}
			};
		}
	}
}
