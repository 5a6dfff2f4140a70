package io.cleave;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.cleave.testing.CleaveProcess;
import io.cleave.testing.CleaveProcess.Launch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.FileSystemUtils;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Starts the packaged jar the ways the README does — {@code bin/cleave}, and plain {@code java -jar} — in a
 * directory holding only {@code config/}: embedded defaults, no broker, no external database. Runs after
 * {@code package}, under Failsafe.
 */
class JarLaunchIT {

	private static final List<String> MODULES = List.of("registry", "messaging", "rpc", "gateway");

	private final ObjectMapper json = new ObjectMapper();

	@Test
	void servesHealthAndModulesOnEmbeddedStorageThenShutsDownGracefully(@TempDir Path workDir) throws Exception {
		copyConfig(workDir);
		var log = workDir.resolve("cleave.log");

		var node = startUntilUp(Launch.LAUNCHER, workDir, log, "--logging.structured.format.console=ecs");
		var cleave = node.process();
		try {
			var modules = json.readTree(node.get("/actuator/modulith").body());
			assertThat(modules.propertyNames()).containsAll(MODULES);
			assertThat(modules.get("gateway").get("allowedDependencies").toString())
					.contains("rpc", "messaging", "registry");

			var prometheus = node.get("/actuator/prometheus");
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
			var cleave = startUntilUp(Launch.JAR, workDir, log).process();
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

	/** The jar on its own free ports (its etcd API too, so a local etcd or another node cannot be in the way). */
	private static CleaveProcess startUntilUp(Launch launch, Path workDir, Path log, String... arguments) {
		var withEtcdApiPort = new ArrayList<>(List.of(arguments));
		withEtcdApiPort.add("--cleave.registry.etcd-api.port=0");
		return CleaveProcess.startUntilUp(launch, workDir, log, CleaveProcess.freePort(), Map.of(),
				withEtcdApiPort.toArray(String[]::new));
	}

	private static List<String> messages(List<JsonNode> events) {
		return events.stream().map(event -> event.path("message").asString()).toList();
	}

}
