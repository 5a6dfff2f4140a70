package io.cleave.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import fixtures.messaging.crash.CrashProbe;
import io.cleave.testing.CleaveProcess;
import io.cleave.testing.TestCallers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.FileSystemUtils;

/**
 * {@code send} is durable from its transaction's commit: the packaged jar commits 20 messages, is killed with SIGKILL
 * while its handler holds the first of them and before any is handled, and once restarted handles each of them
 * exactly once — and still once when the same ids are sent again (deduplication that survives the restart).
 */
class SentMessageSurvivesCrashIT {

	private static final int MESSAGES = 20;

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void messagesCommittedBeforeAKillAreHandledOnceAfterRestart(@TempDir Path workDir) throws Exception {
		FileSystemUtils.copyRecursively(Path.of("config"), workDir.resolve("config"));
		Path probeClasses = workDir.resolve("probe-classes");
		String probePackage = CrashProbe.class.getPackageName().replace('.', '/');
		FileSystemUtils.copyRecursively(Path.of("target/test-classes", probePackage), probeClasses.resolve(probePackage));
		Path probeLog = workDir.resolve("probe.log");
		int port = CleaveProcess.freePort();
		String[] arguments = { "--cleave.registry.etcd-api.port=0",
				"--spring.main.sources=" + CrashProbe.class.getName() };

		try (CleaveProcess first = CleaveProcess.startUntilUpWith(probeClasses, workDir, workDir.resolve("first.log"),
				port, Map.of("PROBE_HANG", "true"), arguments)) {
			HttpResponse<String> sent = send(port);
			assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
			await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(probeLog)
					&& Files.readAllLines(probeLog).stream().anyMatch(line -> line.startsWith("started")));
			first.kill();
		}
		assertThat(Files.readAllLines(probeLog)).noneMatch(line -> line.startsWith("done"));

		try (CleaveProcess second = CleaveProcess.startUntilUpWith(probeClasses, workDir,
				workDir.resolve("second.log"), port, Map.of(), arguments)) {
			await().atMost(Duration.ofSeconds(30)).until(() -> done(probeLog).size() == MESSAGES);

			assertThat(send(port).statusCode()).isEqualTo(200); // the same 20 ids again
			await().atMost(Duration.ofSeconds(30)).until(() -> depth(second) == 0);
		}
		assertThat(done(probeLog)).containsExactlyInAnyOrderElementsOf(
				IntStream.range(0, MESSAGES).mapToObj(n -> "done " + n).toList());
	}

	private HttpResponse<String> send(int port) throws Exception {
		return http.send(TestCallers.asUser(HttpRequest.newBuilder(URI.create("http://localhost:" + port
				+ "/crash-probe/send?count=" + MESSAGES)))
				.POST(HttpRequest.BodyPublishers.noBody())
				.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static List<String> done(Path probeLog) throws Exception {
		return Files.readAllLines(probeLog).stream().filter(line -> line.startsWith("done")).toList();
	}

	private static long depth(CleaveProcess node) throws Exception {
		String queues = node.get("/messaging/queues").body();
		return queues.contains("\"depth\":0") ? 0 : 1;
	}
}
