package io.cleave.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.boot.SpringApplication;

/**
 * A real etcd (Debian's {@code etcd-server}, 3.4) in a child process: a one-member cluster on free loopback ports
 * with its own data directory under {@code target/etcd/}.
 *
 * <p>Use it as a JUnit extension ({@code @RegisterExtension static EtcdProcess etcd = new EtcdProcess();} starts it
 * before the class's tests and removes it after them), or by hand — {@link #start()}, {@link #endpoint()},
 * {@link #close()} — from {@code @BeforeAll}/{@code @AfterAll} or a benchmark's {@code main}. {@link #stop()} and a
 * second {@link #start()} restart it on the same ports and data, as an etcd restart looks to its clients.
 */
public final class EtcdProcess implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

	private static final int PORT_ATTEMPTS = 3;

	private final Path directory;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

	private int clientPort;

	private int peerPort;

	private @Nullable Process process;

	private @Nullable Thread killOnExit;

	private static @Nullable EtcdProcess shared;

	/**
	 * One etcd for every Spring context test in this JVM that runs a node against etcd, started on first use, and
	 * stopped and its directory deleted when the JVM exits — after the contexts, which Spring Boot closes first.
	 */
	public static synchronized EtcdProcess shared() {
		if (shared == null) {
			EtcdProcess etcd = new EtcdProcess().start();
			SpringApplication.getShutdownHandlers().add(etcd::close);
			shared = etcd;
		}
		return shared;
	}

	public EtcdProcess() {
		this(Path.of("target", "etcd", "etcd-" + UUID.randomUUID()));
	}

	/** An etcd that keeps its data and log in {@code directory}. */
	public EtcdProcess(Path directory) {
		this.directory = directory.toAbsolutePath();
	}

	/**
	 * Starts etcd and returns once it answers its health check. The first start picks free ports (trying again if
	 * another process takes one first); later starts reuse them, so clients reconnect to the same endpoint.
	 */
	public synchronized EtcdProcess start() {
		if (process != null) {
			throw new IllegalStateException("etcd is already running at " + endpoint());
		}
		boolean portsChosen = clientPort != 0;
		for (int attempt = 1;; attempt++) {
			if (!portsChosen) {
				clientPort = freePort();
				peerPort = freePort();
			}
			try {
				launch();
				return this;
			}
			catch (PortTakenException ex) {
				if (portsChosen || attempt == PORT_ATTEMPTS) {
					throw new IllegalStateException(ex.getMessage());
				}
			}
		}
	}

	/** The client URL, {@code http://127.0.0.1:PORT}; known once started. */
	public String endpoint() {
		if (clientPort == 0) {
			throw new IllegalStateException("etcd has not been started");
		}
		return "http://127.0.0.1:" + clientPort;
	}

	/** The etcd process's id, for reading its resource use from {@code /proc}; known while it runs. */
	public long pid() {
		Process running = process;
		if (running == null) {
			throw new IllegalStateException("etcd is not running");
		}
		return running.pid();
	}

	public Path dataDirectory() {
		return directory.resolve("data");
	}

	public boolean isRunning() {
		Process running = process;
		return running != null && running.isAlive();
	}

	/** Stops etcd gracefully (SIGTERM, then SIGKILL after a grace period), keeping its data and ports. */
	public synchronized void stop() {
		Process running = process;
		if (running == null) {
			return;
		}
		process = null;
		running.destroy();
		try {
			if (!running.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				running.destroyForcibly().waitFor();
			}
		}
		catch (InterruptedException ex) {
			running.destroyForcibly();
			Thread.currentThread().interrupt();
		}
		Thread hook = killOnExit;
		killOnExit = null;
		if (hook != null) {
			try {
				Runtime.getRuntime().removeShutdownHook(hook);
			}
			catch (IllegalStateException ex) {
				// the JVM is already shutting down; the hook itself is running or has run
			}
		}
	}

	/** Stops etcd and deletes its directory. */
	@Override
	public synchronized void close() {
		stop();
		deleteDirectory();
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		start();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		close();
	}

	private void launch() throws PortTakenException {
		Path etcd = HostCommands.etcd();
		Path log = directory.resolve("etcd.log");
		try {
			Files.createDirectories(directory);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		String client = "http://127.0.0.1:" + clientPort;
		String peer = "http://127.0.0.1:" + peerPort;
		List<String> command = List.of(etcd.toString(),
				"--name", "cleave-test",
				"--data-dir", dataDirectory().toString(),
				"--listen-client-urls", client,
				"--advertise-client-urls", client,
				"--listen-peer-urls", peer,
				"--initial-advertise-peer-urls", peer,
				"--initial-cluster", "cleave-test=" + peer,
				"--initial-cluster-token", directory.getFileName().toString(),
				// etcd 3.4's default logger (capnslog) ignores --log-level; zap honours it.
				"--logger", "zap",
				"--log-level", "warn",
				"--log-outputs", "stderr");
		Process started;
		try {
			started = new ProcessBuilder(command)
					.redirectErrorStream(true)
					.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
					.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not start " + etcd, ex);
		}
		Thread hook = new Thread(started::destroyForcibly, "etcd-kill-on-exit");
		Runtime.getRuntime().addShutdownHook(hook);
		process = started;
		killOnExit = hook;
		awaitHealthy(started, log);
	}

	private void awaitHealthy(Process started, Path log) throws PortTakenException {
		Instant deadline = Instant.now().plus(START_TIMEOUT);
		HttpRequest health = HttpRequest.newBuilder(URI.create(endpoint() + "/health"))
				.timeout(Duration.ofSeconds(2))
				.build();
		while (Instant.now().isBefore(deadline)) {
			if (!started.isAlive()) {
				stop();
				String output = tail(log);
				String failure = "etcd exited with status " + started.exitValue() + " while starting; its log "
						+ log + " ends:\n" + output;
				if (output.contains("address already in use")) {
					throw new PortTakenException(failure);
				}
				throw new IllegalStateException(failure);
			}
			if (isHealthy(health)) {
				return;
			}
			try {
				// Polling the child process: there is nothing to block on until etcd accepts connections.
				started.waitFor(50, TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				stop();
				Thread.currentThread().interrupt();
				throw new IllegalStateException("interrupted while etcd was starting", ex);
			}
		}
		stop();
		throw new IllegalStateException("etcd did not report healthy at " + endpoint() + "/health within "
				+ START_TIMEOUT.toSeconds() + " s; its log " + log + " ends:\n" + tail(log));
	}

	private boolean isHealthy(HttpRequest health) {
		try {
			HttpResponse<String> response = http.send(health, HttpResponse.BodyHandlers.ofString());
			return response.statusCode() == 200 && response.body().contains("\"health\":\"true\"");
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private void deleteDirectory() {
		if (!Files.exists(directory)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(directory)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not delete " + directory, ex);
		}
	}

	private static String tail(Path log) {
		try {
			List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
		}
		catch (IOException ex) {
			return "(could not read it: " + ex.getMessage() + ")";
		}
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("no free loopback port", ex);
		}
	}

	/** etcd could not bind a port chosen for it: another process took it after it was found free. */
	private static final class PortTakenException extends Exception {

		PortTakenException(String message) {
			super(message, null, false, false);
		}
	}
}
