package io.cleave.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The packaged jar started as a user runs it, in its own process, so that tests can stop it with SIGTERM or kill
 * it with SIGKILL: through {@code bin/cleave} (extracted layout and AOT cache, the fast path; the first start after
 * a build trains the cache once) or, for tests about the jar itself, with plain {@code java -jar}. Only for Failsafe
 * tests, which run after {@code package}.
 */
public final class CleaveProcess implements AutoCloseable {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

	/** How the jar is started. */
	public enum Launch {
		/** {@code bin/cleave}: the extracted layout with the JDK's AOT cache. */
		LAUNCHER,
		/** {@code java -jar cleave.jar}. */
		JAR
	}

	/** The java of this JVM. */
	private static final Path JAVA = Path.of(ProcessHandle.current().info().command().orElseThrow());

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final Process process;

	private final int port;

	private final Path log;

	private CleaveProcess(Process process, int port, Path log) {
		this.process = process;
		this.port = port;
		this.log = log;
	}

	/**
	 * Starts the jar in {@code workDir} on {@code port}, with extra command-line arguments and environment, and
	 * waits until its health is UP; kills it if it never gets there.
	 */
	public static CleaveProcess startUntilUp(Path workDir, Path log, int port, Map<String, String> environment,
			String... arguments) {
		return startUntilUp(Launch.LAUNCHER, workDir, log, port, environment, arguments);
	}

	/** As {@link #startUntilUp(Path, Path, int, Map, String...)}, started the given way. */
	public static CleaveProcess startUntilUp(Launch launch, Path workDir, Path log, int port,
			Map<String, String> environment, String... arguments) {
		return awaitUp(start(launch, workDir, log, port, environment, arguments));
	}

	/**
	 * {@link #startUntilUp} with the classes under {@code extraClasses} on the jar's class path, through Boot's
	 * {@code PropertiesLauncher} (which every Boot jar carries): for test fixtures that must run inside the node.
	 */
	public static CleaveProcess startUntilUpWith(Path extraClasses, Path workDir, Path log, int port,
			Map<String, String> environment, String... arguments) {
		return awaitUp(start(List.of(JAVA.toString(), "-cp", jar().toString(),
				"-Dloader.path=" + extraClasses.toAbsolutePath(),
				"org.springframework.boot.loader.launch.PropertiesLauncher"), workDir, log, port, environment,
				arguments));
	}

	public static CleaveProcess start(Launch launch, Path workDir, Path log, int port,
			Map<String, String> environment, String... arguments) {
		List<String> launcher = switch (launch) {
			case JAR -> List.of(JAVA.toString(), "-jar", jar().toString());
			case LAUNCHER -> List.of(launcher().toString());
		};
		return start(launcher, workDir, log, port, environment, arguments);
	}

	private static CleaveProcess awaitUp(CleaveProcess cleave) {
		Path log = cleave.log;
		try {
			await().atMost(START_TIMEOUT)
					.pollInterval(Duration.ofMillis(200))
					.failFast("Cleave exited during start; see " + log, () -> !cleave.process.isAlive())
					.until(() -> "UP".equals(cleave.status()));
			return cleave;
		}
		catch (RuntimeException | Error notUp) {
			cleave.process.destroyForcibly();
			// The log usually sits in a temporary directory the test is about to delete: keep its end.
			throw new AssertionError("Cleave did not come up; last lines of " + log + ":\n" + tail(log), notUp);
		}
	}

	private static CleaveProcess start(List<String> launcher, Path workDir, Path log, int port,
			Map<String, String> environment, String... arguments) {
		List<String> command = new ArrayList<>(launcher);
		command.add("--server.port=" + port);
		command.addAll(List.of(arguments));
		ProcessBuilder builder = new ProcessBuilder(command)
				.directory(workDir.toFile())
				.redirectErrorStream(true)
				.redirectOutput(log.toFile());
		builder.environment().putAll(launcherEnvironment(jar()));
		// The test-only JWT secret TestCallers signs with; an argument or the test's environment can replace it.
		builder.environment().put("CLEAVE_GATEWAY_SECURITY_JWT_SECRET", TestCallers.JWT_SECRET);
		builder.environment().putAll(environment);
		try {
			return new CleaveProcess(builder.start(), port, log);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not start " + command, ex);
		}
	}

	private static Path jar() {
		Path jar = Path.of(System.getProperty("cleave.jar", "target/cleave.jar")).toAbsolutePath();
		assertThat(jar).as("packaged jar (run under Failsafe after package)").isRegularFile();
		return jar;
	}

	/**
	 * Runs {@code bin/cleave} with {@code CLEAVE_AOT=prepare}: extracts the jar and trains its cache if they are
	 * missing or stale, then exits without starting Cleave. Returns what it printed.
	 */
	public static String prepareLauncher() throws IOException, InterruptedException {
		Path jar = jar();
		ProcessBuilder builder = new ProcessBuilder(launcher().toString()).redirectErrorStream(true);
		builder.environment().putAll(launcherEnvironment(jar));
		builder.environment().put("CLEAVE_AOT", "prepare");
		return prepare(builder);
	}

	/**
	 * As {@link #prepareLauncher()}, for the configuration a {@link #startUntilUp(Path, Path, int, Map, String...)}
	 * with this directory, environment and arguments would start: with {@code CLEAVE_SPRING_AOT=on} in the
	 * environment, it also generates and trains Spring AOT for that configuration, outside any start's timeout.
	 */
	public static String prepareLauncher(Path workDir, Map<String, String> environment, String... arguments)
			throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of(launcher().toString()));
		command.addAll(List.of(arguments));
		ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
		builder.environment().putAll(launcherEnvironment(jar()));
		builder.environment().put("CLEAVE_GATEWAY_SECURITY_JWT_SECRET", TestCallers.JWT_SECRET);
		builder.environment().putAll(environment);
		builder.environment().put("CLEAVE_AOT", "prepare");
		return prepare(builder);
	}

	private static String prepare(ProcessBuilder builder) throws IOException, InterruptedException {
		Process prepare = builder.start();
		String output = new String(prepare.getInputStream().readAllBytes());
		assertThat(prepare.waitFor()).as("bin/cleave with CLEAVE_AOT=prepare:%n%s", output).isZero();
		return output;
	}

	/**
	 * The JDK of this JVM (the launcher would otherwise pick one itself) and the jar under test; without Spring AOT
	 * unless a test's environment asks for it ({@code CLEAVE_SPRING_AOT=on}): the launcher generates and trains it
	 * once per configuration, and the tests start nodes in many configurations.
	 */
	private static Map<String, String> launcherEnvironment(Path jar) {
		return Map.of("JAVA_HOME", JAVA.getParent().getParent().toString(), "CLEAVE_JAR", jar.toString(),
				"CLEAVE_SPRING_AOT", "off");
	}

	private static Path launcher() {
		return Path.of(System.getProperty("cleave.launcher", "bin/cleave")).toAbsolutePath();
	}

	private static String tail(Path log) {
		try {
			List<String> lines = java.nio.file.Files.readAllLines(log);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
		}
		catch (IOException | RuntimeException unreadable) {
			return "(unreadable: " + unreadable + ")";
		}
	}

	public static int freePort() {
		try (var socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public Process process() {
		return process;
	}

	public int port() {
		return port;
	}

	public Path log() {
		return log;
	}

	/** The node's health status, or "unreachable". */
	public String status() {
		try {
			HttpResponse<String> response = get("/actuator/health");
			return response.statusCode() == 200 && response.body().contains("\"UP\"") ? "UP"
					: "HTTP " + response.statusCode();
		}
		catch (IOException | RuntimeException ex) {
			return "unreachable";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "interrupted";
		}
	}

	/** GET {@code path} as an operator (health needs no credentials; the rest of the node does). */
	public HttpResponse<String> get(String path) throws IOException, InterruptedException {
		var request = TestCallers.asOperator(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)))
				.timeout(Duration.ofSeconds(5))
				.build();
		return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
	}

	/** SIGKILL: the process gets no chance to clean up, as in a crash. */
	public void kill() throws InterruptedException {
		process.destroyForcibly();
		process.waitFor();
	}

	@Override
	public void close() throws InterruptedException {
		if (process.isAlive()) {
			process.destroy();
			if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
				process.destroyForcibly();
			}
		}
	}
}
