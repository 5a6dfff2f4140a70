package io.cleave.messaging.bus;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import io.cleave.messaging.MessageId;

import org.junit.jupiter.api.Test;

/** The purge forgets ids older than the retention, batch after batch until none is left. */
class ProcessedMessagesPurgeTests {

	private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

	@Test
	void everyIdOlderThanTheRetentionIsForgottenAcrossBatchesAndNewerOnesStay() {
		var recorded = new RecordedIds();
		for (int i = 0; i < ProcessedMessagesPurge.BATCH * 2 + 5; i++) {
			recorded.at.add(NOW.minus(Duration.ofDays(8)));
		}
		recorded.at.add(NOW.minus(Duration.ofDays(6)));
		var purge = new ProcessedMessagesPurge(recorded, Duration.ofDays(7), Clock.fixed(NOW, ZoneOffset.UTC));

		assertThat(purge.purge()).isEqualTo(ProcessedMessagesPurge.BATCH * 2L + 5);
		assertThat(recorded.at).containsExactly(NOW.minus(Duration.ofDays(6)));
		assertThat(recorded.cutoffs).containsOnly(NOW.minus(Duration.ofDays(7))).hasSize(3);
	}

	/** Ids by the instant they were recorded; forgets in batches, as the database does. */
	private static final class RecordedIds implements ProcessedMessages {

		final List<Instant> at = new ArrayList<>();

		final List<Instant> cutoffs = new ArrayList<>();

		@Override
		public boolean markProcessed(String queue, MessageId id) {
			throw new UnsupportedOperationException();
		}

		@Override
		public int forgetProcessedBefore(Instant cutoff, int limit) {
			cutoffs.add(cutoff);
			List<Instant> older = at.stream().filter(i -> i.isBefore(cutoff)).limit(limit).toList();
			older.forEach(at::remove);
			return older.size();
		}
	}
}
