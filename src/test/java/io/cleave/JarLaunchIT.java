package io.cleave;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.FileSystemUtils;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Starts the packaged jar the way the README does, in a directory holding only {@code config/}: embedded
 * defaults, no broker, no external database. Runs after {@code package}, under Failsafe.
 */
class JarLaunchIT {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
	private static final List<String> MODULES = List.of("registry", "messaging", "rpc", "gateway");

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
	private final ObjectMapper json = new ObjectMapper();

	@Test
	void servesHealthAndModulesOnEmbeddedStorageThenShutsDownGracefully(@TempDir Path workDir) throws Exception {
		copyConfig(workDir);
		var port = freePort();
		var log = workDir.resolve("cleave.log");

		var cleave = startUntilUp(workDir, log, port, "--logging.structured.format.console=ecs");
		try {
			var modules = json.readTree(get(port, "/actuator/modulith").body());
			assertThat(modules.propertyNames()).containsAll(MODULES);
			assertThat(modules.get("gateway").get("allowedDependencies").toString())
					.contains("rpc", "messaging", "registry");

			var prometheus = get(port, "/actuator/prometheus");
			assertThat(prometheus.statusCode()).isEqualTo(200);
			assertThat(prometheus.body()).contains("jvm_memory_used_bytes").contains("node=\"cleave-1\"");

			assertThat(workDir.resolve("data/cleave.mv.db")).as("H2 file under ./data").isRegularFile();
		}
		finally {
			cleave.destroy(); // SIGTERM, as a container runtime or systemd would send
		}

		assertThat(cleave.waitFor(60, TimeUnit.SECONDS)).as("exits within the shutdown timeout").isTrue();
		assertThat(cleave.exitValue()).as("terminated by SIGTERM, not killed").isEqualTo(143);

		var lines = Files.readAllLines(log).stream().filter(line -> line.startsWith("{")).toList();
		var events = lines.stream().map(json::readTree).toList();
		assertThat(events).as("structured JSON log lines").isNotEmpty();
		assertThat(messages(events)).anyMatch(message -> message.startsWith("Started CleaveApplication"))
				.anyMatch(message -> message.contains("Graceful shutdown complete"));
		assertThat(events).allSatisfy(event -> assertThat(event.path("log").path("level").asString())
				.as("no warnings or errors on a clean start and stop: %s", event)
				.isIn("INFO", "DEBUG", "TRACE"));
	}

	@Test
	void restartsOnItsOwnDataWithoutMigratingAgain(@TempDir Path workDir) throws Exception {
		copyConfig(workDir);
		for (var run = 1; run <= 2; run++) {
			var log = workDir.resolve("cleave-" + run + ".log");
			var cleave = startUntilUp(workDir, log, freePort());
			cleave.destroy();
			assertThat(cleave.waitFor(60, TimeUnit.SECONDS)).isTrue();
			var output = Files.readString(log);
			if (run == 1) {
				assertThat(output).contains("Migrating schema \"public\" to version \"1 - key value store\"");
			}
			else {
				assertThat(output).doesNotContain("Migrating schema").contains("is up to date");
			}
		}
	}

	private static void copyConfig(Path workDir) throws IOException {
		FileSystemUtils.copyRecursively(Path.of("config"), workDir.resolve("config"));
	}

	/** Starts the jar on the given port and waits for health UP; stops it again if it never gets there. */
	private Process startUntilUp(Path workDir, Path log, int port, String... arguments) throws IOException {
		var cleave = start(workDir, log, port, arguments);
		try {
			await().atMost(START_TIMEOUT)
					.pollInterval(Duration.ofMillis(200))
					.failFast("Cleave exited during start; see " + log, () -> !cleave.isAlive())
					.until(() -> "UP".equals(status(port)));
			return cleave;
		}
		catch (RuntimeException | Error notUp) {
			cleave.destroyForcibly();
			throw notUp;
		}
	}

	private static Process start(Path workDir, Path log, int port, String... arguments) throws IOException {
		var jar = Path.of(System.getProperty("cleave.jar", "target/cleave.jar")).toAbsolutePath();
		assertThat(jar).as("packaged jar (run under Failsafe after package)").isRegularFile();
		var java = ProcessHandle.current().info().command().orElse("java");
		var command = new ArrayList<>(List.of(java, "-jar", jar.toString(), "--server.port=" + port,
				"--cleave.registry.etcd-api.port=0"));
		command.addAll(List.of(arguments));
		return new ProcessBuilder(command)
				.directory(workDir.toFile())
				.redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
	}

	private String status(int port) {
		try {
			var response = get(port, "/actuator/health");
			return json.readTree(response.body()).path("status").asString();
		}
		catch (IOException | RuntimeException ex) {
			return "unreachable";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "interrupted";
		}
	}

	private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
		var request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
				.timeout(Duration.ofSeconds(5))
				.build();
		return http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private static List<String> messages(List<JsonNode> events) {
		return events.stream().map(event -> event.path("message").asString()).toList();
	}

	private static int freePort() throws IOException {
		try (var socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}
}
