package io.cleave.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.cleave.testing.CleaveNode;
import io.cleave.testing.CleaveProcess;
import io.cleave.testing.EmbeddedPostgresServer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node killed with SIGKILL — no shutdown hook, no deregistration — disappears from the other nodes' discovery
 * within its TTL, reported as expired. The victim is the packaged jar in its own process; the observer a node in
 * this JVM; they share the registry on one PostgreSQL database.
 */
class NodeCrashIT {

	private static final Duration TTL = Duration.ofSeconds(3);

	@Test
	void aKilledNodeDisappearsFromDiscoveryWithinItsTtl(@TempDir Path workDir) throws Exception {
		String url = EmbeddedPostgresServer.createDatabase("node_crash");
		try (CleaveNode observer = CleaveNode.start("observer", List.of("postgres"),
				List.of(DiscoveryEvents.class), "CLEAVE_DB_URL=" + url,
				"CLEAVE_DB_USER=postgres", "CLEAVE_DB_PASSWORD=", "cleave.registry.instance-ttl=" + TTL.toSeconds() + "s");
				CleaveProcess victim = CleaveProcess.startUntilUp(workDir, workDir.resolve("victim.log"),
						CleaveProcess.freePort(),
						Map.of("CLEAVE_DB_URL", url, "CLEAVE_DB_USER", "postgres", "CLEAVE_DB_PASSWORD", ""),
						"--spring.profiles.active=postgres", "--cleave.node.name=victim",
						"--cleave.registry.etcd-api.port=0", "--cleave.registry.instance-ttl=" + TTL.toSeconds() + "s")) {
			ServiceRegistry discovery = observer.bean(ServiceRegistry.class);
			DiscoveryEvents events = observer.bean(DiscoveryEvents.class);
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(discovery.instances("cleave"))
					.extracting(ServiceInstance::id).contains("victim"));

			victim.kill();
			long killedAt = System.nanoTime();

			// The lease lapses at most one TTL after the last keep-alive; the expiry sweep (every 500 ms) and the
			// watch add at most a little more than that.
			await().atMost(TTL.plusMillis(1500)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> assertThat(
					discovery.instances("cleave")).extracting(ServiceInstance::id).doesNotContain("victim"));
			Duration gone = Duration.ofNanos(System.nanoTime() - killedAt);
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(events.about("cleave", "victim"))
					.endsWith("Expired"));
			System.out.printf("victim left discovery %d ms after SIGKILL (TTL %d s)%n", gone.toMillis(), TTL.toSeconds());
		}
	}
}
