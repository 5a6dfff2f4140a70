package io.cleave.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.cleave.testing.CleaveNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store keeps only the configured number of revisions of history, as etcd's auto-compaction does. */
class AutoCompactionTests {

	@Test
	void historyOlderThanTheRetentionIsCompactedAway(@TempDir Path dataDir) {
		try (CleaveNode node = CleaveNode.start("compacting", List.of(), "cleave.data-dir=" + dataDir,
				"spring.main.web-application-type=none", "cleave.registry.store.history-retention=5",
				"cleave.registry.store.compaction-interval=1s")) {
			KeyValueStore kv = node.bean(KeyValueStore.class);
			long first = kv.put(Put.of("/compaction/k", "0")).revision();
			long last = first;
			for (int i = 1; i < 20; i++) {
				last = kv.put(Put.of("/compaction/k", Integer.toString(i))).revision();
			}
			long retainedFrom = last - 5;

			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThatThrownBy(
					() -> kv.range(RangeQuery.of(KeyRange.key("/compaction/k")).atRevision(first)))
					.hasMessage(RegistryException.COMPACTED));

			assertThat(kv.range(RangeQuery.of(KeyRange.key("/compaction/k")).atRevision(retainedFrom)).kvs())
					.extracting(k -> k.value().toStringUtf8()).containsExactly(Long.toString(retainedFrom - first));
		}
	}
}
