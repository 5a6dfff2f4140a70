package io.cleave.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.cleave.registry.internal.StoreMaintenance;
import io.cleave.testing.CleaveNode;
import io.cleave.testing.EmbeddedPostgresServer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two nodes hosting the registry on one PostgreSQL database behave as one registry: each sees the other's writes,
 * watchers on either receive the events of both within a second, and concurrent writers on both get one gap-free
 * sequence of revisions.
 */
class SharedRegistryOnPostgresTests {

	private static CleaveNode nodeA;

	private static CleaveNode nodeB;

	@BeforeAll
	static void startTwoNodesOnOneDatabase() {
		String url = EmbeddedPostgresServer.createDatabase("shared_registry");
		String[] settings = {"CLEAVE_DB_URL=" + url, "CLEAVE_DB_USER=postgres", "CLEAVE_DB_PASSWORD=",
				"spring.main.web-application-type=none"};
		nodeA = CleaveNode.start("node-a", List.of("postgres"), settings);
		nodeB = CleaveNode.start("node-b", List.of("postgres"), settings);
	}

	@AfterAll
	static void stopNodes() {
		if (nodeB != null) {
			nodeB.close();
		}
		if (nodeA != null) {
			nodeA.close();
		}
	}

	@Test
	void watchersOnEitherNodeReceiveTheWritesOfBothWithinOneSecond() {
		RecordingListener onA = new RecordingListener();
		RecordingListener onB = new RecordingListener();
		KeyRange shared = KeyRange.prefix("/shared/watch/");
		try (Watch a = nodeA.bean(Watches.class).watch(WatchRequest.of(shared), onA);
				Watch b = nodeB.bean(Watches.class).watch(WatchRequest.of(shared), onB)) {
			nodeA.bean(KeyValueStore.class).put(Put.of("/shared/watch/from-a", "1"));
			await().atMost(Duration.ofSeconds(1)).untilAsserted(() -> {
				assertThat(onA.summary()).containsExactly("PUT /shared/watch/from-a=1");
				assertThat(onB.summary()).containsExactly("PUT /shared/watch/from-a=1");
			});

			nodeB.bean(KeyValueStore.class).put(Put.of("/shared/watch/from-b", "2"));
			await().atMost(Duration.ofSeconds(1)).untilAsserted(() -> {
				assertThat(onA.summary()).containsExactly("PUT /shared/watch/from-a=1", "PUT /shared/watch/from-b=2");
				assertThat(onB.summary()).containsExactly("PUT /shared/watch/from-a=1", "PUT /shared/watch/from-b=2");
			});
		}
	}

	@Test
	void eachNodeReadsTheOthersWritesAndLeases() {
		long revision = nodeA.bean(KeyValueStore.class).put(Put.of("/shared/read/a", "written on a")).revision();
		Lease lease = nodeB.bean(Leases.class).grant(60);

		RangeResult onB = nodeB.bean(KeyValueStore.class).range(RangeQuery.of(KeyRange.key("/shared/read/a")));
		assertThat(onB.kvs()).singleElement().satisfies(kv -> {
			assertThat(kv.value().toStringUtf8()).isEqualTo("written on a");
			assertThat(kv.modRevision()).isEqualTo(revision);
		});
		assertThat(nodeA.bean(Leases.class).timeToLive(lease.id(), false)).isPresent();
		nodeA.bean(Leases.class).revoke(lease.id());
		assertThat(nodeB.bean(Leases.class).timeToLive(lease.id(), false)).isEmpty();
	}

	@Test
	void eachNodeDiscoversTheOther() {
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			assertThat(nodeA.bean(ServiceRegistry.class).instances("cleave")).extracting(ServiceInstance::id)
					.contains("node-a", "node-b");
			assertThat(nodeB.bean(ServiceRegistry.class).instances("cleave")).extracting(ServiceInstance::id)
					.contains("node-a", "node-b");
		});
	}

	@Test
	void concurrentWritersOnBothNodesGetDistinctConsecutiveRevisions() throws Exception {
		int perNode = 40;
		long before = nodeA.bean(KeyValueStore.class).revision();
		List<Callable<Long>> writes = new ArrayList<>();
		for (int i = 0; i < perNode; i++) {
			String n = Integer.toString(i);
			writes.add(() -> nodeA.bean(KeyValueStore.class).put(Put.of("/shared/race/a" + n, n)).revision());
			writes.add(() -> nodeB.bean(KeyValueStore.class).put(Put.of("/shared/race/b" + n, n)).revision());
		}
		Set<Long> revisions = new HashSet<>();
		try (var pool = Executors.newFixedThreadPool(8)) {
			for (Future<Long> result : pool.invokeAll(writes)) {
				revisions.add(result.get());
			}
		}

		assertThat(revisions).hasSize(2 * perNode);
		long after = nodeB.bean(KeyValueStore.class).revision();
		assertThat(after - before).isEqualTo(2L * perNode);
		assertThat(revisions).allSatisfy(r -> assertThat(r).isBetween(before + 1, after));
	}

	@Test
	void bothNodesHashTheSharedStoreAlikeAndReportItsRealSize() {
		long revision = nodeA.bean(KeyValueStore.class).put(Put.of("/shared/hash/a", "1")).revision();
		nodeB.bean(KeyValueStore.class).put(Put.of("/shared/hash/b", "2"));

		StoreMaintenance.Hash onA = nodeA.bean(StoreMaintenance.class).hashKv(revision);
		StoreMaintenance.Hash onB = nodeB.bean(StoreMaintenance.class).hashKv(revision);

		assertThat(onA.value()).isEqualTo(onB.value());
		assertThat(onA.revision()).isEqualTo(revision);
		assertThat(nodeA.bean(StoreMaintenance.class).hashKv(revision - 1).value()).isNotEqualTo(onA.value());
		StoreMaintenance.Size size = nodeB.bean(StoreMaintenance.class).size();
		assertThat(size.bytesInUse()).isPositive().isLessThan(size.bytes());
	}
}
