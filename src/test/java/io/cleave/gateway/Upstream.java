package io.cleave.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.cleave.registry.ServiceInstance;
import io.cleave.registry.ServiceRegistry;

/**
 * A real HTTP service for proxy tests: a JDK HTTP server on a loopback port of its own, registered in the node's
 * registry as an instance of {@code service}, answering with its id and the path and query it was sent.
 */
final class Upstream implements AutoCloseable {

	enum Behaviour {
		/** 200 with {@code <id> <path>?<query>}, and the request body after a space if there is one. */
		ANSWER,
		/** 500 every time. */
		FAIL,
		/** Never answers until closed (the gateway's deadline has to cut it). */
		HANG
	}

	private final String service;

	private final String id;

	private final HttpServer server;

	private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

	private final CountDownLatch closed = new CountDownLatch(1);

	private final AtomicInteger hits = new AtomicInteger();

	private final ServiceRegistry registry;

	/**
	 * Every port an upstream (or {@link #closedPort()}) had in this JVM. The node the tests share keeps a circuit breaker
	 * per upstream address, open for minutes once a test made it fail, so a later upstream must never get an address
	 * an earlier one had: it would be refused by a breaker it never tripped.
	 */
	private static final Set<Integer> PORTS_HANDED_OUT = ConcurrentHashMap.newKeySet();

	private Upstream(ServiceRegistry registry, String service, String id, Behaviour behaviour) throws IOException {
		this.registry = registry;
		this.service = service;
		this.id = id;
		this.server = newServer();
		server.setExecutor(threads);
		server.createContext("/", exchange -> handle(exchange, behaviour));
		server.start();
		registry.registerWithNode(new ServiceInstance(service, id,
				Map.of("http", URI.create("http://127.0.0.1:" + server.getAddress().getPort())), null, null, 100,
				Map.of()));
	}

	private static HttpServer newServer() throws IOException {
		while (true) {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			if (PORTS_HANDED_OUT.add(server.getAddress().getPort())) {
				return server;
			}
			server.stop(0);
		}
	}

	/** A loopback port nobody listens on, and no upstream of this JVM ever had or will get. */
	static int closedPort() throws IOException {
		while (true) {
			try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
				if (PORTS_HANDED_OUT.add(socket.getLocalPort())) {
					return socket.getLocalPort();
				}
			}
		}
	}

	/** Starts an instance of {@code service} and registers it (under the node's lease), once discovery sees it. */
	static Upstream start(ServiceRegistry registry, String service, String id, Behaviour behaviour) {
		try {
			Upstream upstream = new Upstream(registry, service, id, behaviour);
			await().until(() -> registry.instances(service).stream().anyMatch(instance -> instance.id().equals(id)));
			return upstream;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void handle(HttpExchange exchange, Behaviour behaviour) throws IOException {
		hits.incrementAndGet();
		try (exchange) {
			switch (behaviour) {
				case ANSWER -> {
					String query = exchange.getRequestURI().getRawQuery();
					String sent = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
					byte[] body = (id + " " + exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query)
							+ (sent.isEmpty() ? "" : " " + sent)).getBytes(StandardCharsets.UTF_8);
					exchange.getResponseHeaders().set("Content-Type", "text/plain");
					exchange.sendResponseHeaders(200, body.length);
					exchange.getResponseBody().write(body);
				}
				case FAIL -> exchange.sendResponseHeaders(500, -1);
				case HANG -> {
					try {
						closed.await();
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}
			}
		}
	}

	/** Requests that reached it. */
	int hits() {
		return hits.get();
	}

	String id() {
		return id;
	}

	/** Takes it out of the registry (it keeps running), once discovery no longer sees it. */
	void deregister() {
		registry.deregister(service, id);
		await().until(() -> registry.instances(service).stream().noneMatch(instance -> instance.id().equals(id)));
	}

	@Override
	public void close() {
		deregister();
		closed.countDown();
		server.stop(0);
		threads.shutdownNow();
		try {
			threads.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}
}
