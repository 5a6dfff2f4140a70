package io.cleave.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;

import io.cleave.testing.CleaveNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The embedded store is durable: a node restarted on its own data continues where it stopped. */
class EmbeddedStoreRestartTests {

	@Test
	void afterARestartTheRevisionContinuesAndNothingIsLost(@TempDir Path dataDir) {
		long revision;
		try (CleaveNode node = start(dataDir, List.of())) {
			KeyValueStore kv = node.bean(KeyValueStore.class);
			kv.put(Put.of("/durable/a", "1"));
			kv.put(Put.of("/durable/a", "2"));
			revision = kv.put(Put.of("/durable/b", "1")).revision();
		}

		try (CleaveNode node = start(dataDir, List.of())) {
			KeyValueStore kv = node.bean(KeyValueStore.class);
			RangeResult found = kv.range(RangeQuery.of(KeyRange.prefix("/durable/")));
			assertThat(found.kvs()).extracting(k -> k.key() + "=" + k.value()).containsExactly("/durable/a=2",
					"/durable/b=1");
			assertThat(found.kvs().getFirst().version()).isEqualTo(2);
			assertThat(kv.revision()).isGreaterThanOrEqualTo(revision);
			assertThat(kv.put(Put.of("/durable/c", "1")).revision()).isGreaterThan(revision);
			assertThat(kv.range(RangeQuery.of(KeyRange.key("/durable/a")).atRevision(revision - 1)).kvs())
					.as("history survives too").extracting(k -> k.value().toStringUtf8()).containsExactly("2");
		}
	}

	@Test
	void aLeaseThatRanOutWhileTheNodeWasDownIsExpiredOnStart(@TempDir Path dataDir) {
		long lease;
		try (CleaveNode node = start(dataDir, List.of())) {
			lease = node.bean(Leases.class).grant(60).id();
			node.bean(KeyValueStore.class).put(Put.of("/durable/leased", "1").withLease(lease));
			node.bean(KeyValueStore.class).put(Put.of("/durable/kept", "1"));
		}

		// Restart "two minutes later": the node's clock is past the lease's 60 s deadline. The periodic sweep is
		// set to an hour, so only the sweep on start can have expired it.
		try (CleaveNode node = start(dataDir, List.of(TwoMinutesLater.class),
				"cleave.registry.store.lease-check-interval=1h")) {
			assertThat(node.bean(KeyValueStore.class).range(RangeQuery.of(KeyRange.prefix("/durable/"))).kvs())
					.extracting(k -> k.key().toStringUtf8()).containsExactly("/durable/kept");
			assertThat(node.bean(Leases.class).timeToLive(lease, false)).isEmpty();
		}
	}

	private static CleaveNode start(Path dataDir, List<Class<?>> extra, String... settings) {
		String[] all = new String[settings.length + 2];
		all[0] = "cleave.data-dir=" + dataDir;
		all[1] = "spring.main.web-application-type=none";
		System.arraycopy(settings, 0, all, 2, settings.length);
		return CleaveNode.start("restarted", List.of(), extra, all);
	}

	@Configuration(proxyBeanMethods = false)
	static class TwoMinutesLater {

		@Bean
		InstantSource clock() {
			return () -> Instant.now().plus(Duration.ofMinutes(2));
		}
	}
}
