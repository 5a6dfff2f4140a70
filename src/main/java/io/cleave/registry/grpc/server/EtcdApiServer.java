package io.cleave.registry.grpc.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import io.cleave.registry.RegistryProperties;
import com.google.common.util.concurrent.MoreExecutors;

import io.grpc.BindableService;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The gRPC server of etcd's v3 API, started and stopped with the application. Stopping is graceful: no new calls,
 * a moment for those under way, then the rest (watch and keep-alive streams never end by themselves) are cut.
 */
final class EtcdApiServer implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(EtcdApiServer.class);

	/** How long in-flight calls get to finish when the application stops. */
	static final Duration GRACE = Duration.ofSeconds(1);

	/** etcd lets clients ping every 5 s (its --grpc-keepalive-min-time); gRPC's 5 min default would cut them off. */
	private static final Duration PERMITTED_KEEP_ALIVE = Duration.ofSeconds(5);

	/** etcd's allowance for gRPC's framing and a message's other fields on top of --max-request-bytes. */
	static final int OVERHEAD_BYTES = 512 * 1024;

	private final RegistryProperties.EtcdApi settings;

	private final List<BindableService> services;

	private final int maxInboundBytes;

	/** Full names of the methods whose handlers never block: they run on the transport's thread. */
	private final Set<String> nonBlocking;

	/** Set while running; calls that may block on the database are served on a pool of threads, writes are not. */
	private volatile @Nullable Running running;

	/**
	 * @param maxRequestBytes the largest request; like etcd, the server reads messages up to this plus
	 *     {@value #OVERHEAD_BYTES} bytes (a write's encoding is checked against the limit itself) and refuses larger
	 *     ones with {@code RESOURCE_EXHAUSTED} without reading them
	 */
	EtcdApiServer(RegistryProperties.EtcdApi settings, long maxRequestBytes, List<BindableService> services,
			Set<String> nonBlocking) {
		this.settings = settings;
		this.services = List.copyOf(services);
		this.nonBlocking = Set.copyOf(nonBlocking);
		this.maxInboundBytes = Math.toIntExact(maxRequestBytes + OVERHEAD_BYTES);
	}

	/** The port the server listens on: the configured one, or the one the system chose for port 0. */
	int port() {
		Running current = running;
		if (current == null) {
			throw new IllegalStateException("the etcd API server is not running");
		}
		return current.server().getPort();
	}

	@Override
	public void start() {
		ServerCredentials credentials = credentials(settings.tls());
		// Calls that may block on the store (reads, watches, leases) are served on platform threads, kept and reused
		// (grpc-java's own default; waking a parked pooled thread answered sooner than scheduling a new virtual thread
		// per callback: 0.34-0.47x etcd's puts/s with virtual threads, 0.49-0.80x with this pool, when puts still
		// blocked). Writes block nothing — they are queued for the group commit and answered when it is durable — so
		// they stay on the transport's thread, with no hand-over to another thread per call: the direct executor
		// looks the method up, then the supplier moves every other call to the pool.
		AtomicInteger threads = new AtomicInteger();
		ExecutorService executor = Executors.newCachedThreadPool(task -> Thread.ofPlatform().daemon()
				.name("etcd-api-" + threads.incrementAndGet()).unstarted(task));
		NettyServerBuilder builder = NettyServerBuilder
				.forAddress(new InetSocketAddress(settings.address(), settings.port()), credentials)
				.executor(MoreExecutors.directExecutor())
				.callExecutor(new ServerCallExecutorSupplier() {
					@Override
					public <Q, R> @Nullable Executor getExecutor(ServerCall<Q, R> call, Metadata headers) {
						return nonBlocking.contains(call.getMethodDescriptor().getFullMethodName()) ? null : executor;
					}
				})
				.maxInboundMessageSize(maxInboundBytes)
				.permitKeepAliveTime(PERMITTED_KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS)
				.fallbackHandlerRegistry(new UnsupportedServices());
		services.forEach(builder::addService);
		try {
			running = new Running(builder.build().start(), executor);
		}
		catch (IOException ex) {
			executor.shutdownNow();
			throw new UncheckedIOException("could not serve etcd's API on " + settings.address() + ":"
					+ settings.port() + " (cleave.registry.etcd-api.*)", ex);
		}
		log.info("Serving etcd's v3 API on {}:{} ({})", settings.address(), port(), security());
	}

	private String security() {
		if (!settings.tls().enabled()) {
			return "plaintext";
		}
		return settings.tls().clientCertAuth() ? "TLS, client certificates required" : "TLS";
	}

	/** Plaintext, or TLS from PEM files, requiring client certificates signed by the trusted CA if asked to. */
	private static ServerCredentials credentials(RegistryProperties.Tls tls) {
		Path certFile = tls.certFile();
		Path keyFile = tls.keyFile();
		if (certFile == null || keyFile == null) {
			return InsecureServerCredentials.create();
		}
		try {
			TlsServerCredentials.Builder builder = TlsServerCredentials.newBuilder()
					.keyManager(certFile.toFile(), keyFile.toFile());
			Path trustedCa = tls.trustedCaFile();
			if (trustedCa != null) {
				builder.trustManager(trustedCa.toFile());
			}
			if (tls.clientCertAuth()) {
				builder.clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
			}
			return builder.build();
		}
		catch (IOException | RuntimeException ex) {
			throw new IllegalStateException("could not read the etcd API's TLS files (cleave.registry.etcd-api.tls.*): "
					+ ex.getMessage(), ex);
		}
	}

	@Override
	public void stop() {
		Running current = running;
		running = null;
		if (current != null) {
			current.stop();
		}
	}

	@Override
	public boolean isRunning() {
		return running != null;
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
