package io.cleave.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.cleave.testing.CleaveProcess;
import io.cleave.testing.TestCallers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.FileSystemUtils;

/**
 * What the embedded store has answered as done is on disk: the packaged jar, on its default H2 file, killed with
 * SIGKILL right after acknowledging a registration, still has it when it starts again.
 */
class AcknowledgedWriteSurvivesCrashIT {

	@Test
	void aRegistrationAcknowledgedJustBeforeSigkillIsThereAfterRestart(@TempDir Path workDir) throws Exception {
		FileSystemUtils.copyRecursively(Path.of("config"), workDir.resolve("config"));
		int port = CleaveProcess.freePort();
		String[] arguments = {"--cleave.registry.etcd-api.port=0"};

		try (CleaveProcess first = CleaveProcess.startUntilUp(workDir, workDir.resolve("first.log"), port, Map.of(),
				arguments)) {
			HttpResponse<String> registered = HttpClient.newHttpClient().send(TestCallers.asOperator(HttpRequest
					.newBuilder(URI.create("http://localhost:" + port + "/registry/services/billing/instances/py-1")))
					.header("Content-Type", "application/json")
					.PUT(HttpRequest.BodyPublishers.ofString("""
							{"addresses": {"http": "http://10.0.0.7:8000"}, "ttlSeconds": 3600}"""))
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(registered.statusCode()).isEqualTo(201);
			first.kill();
		}

		try (CleaveProcess second = CleaveProcess.startUntilUp(workDir, workDir.resolve("second.log"), port, Map.of(),
				arguments)) {
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
					second.get("/registry/services/billing").body()).contains("\"id\":\"py-1\""));
		}
	}
}
