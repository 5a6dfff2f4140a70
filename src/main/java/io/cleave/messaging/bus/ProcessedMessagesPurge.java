package io.cleave.messaging.bus;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forgets processed message ids once they are older than the retention, in bounded batches (every purge interval):
 * without it {@code messaging_processed} would grow by one row per handled message forever. Nodes sharing a database
 * may all purge; they delete the same rows, which is harmless.
 */
final class ProcessedMessagesPurge {

	/** Ids deleted per transaction. */
	static final int BATCH = 1_000;

	private static final Logger log = LoggerFactory.getLogger(ProcessedMessagesPurge.class);

	private final ProcessedMessages processed;

	private final Duration retention;

	private final Clock clock;

	ProcessedMessagesPurge(ProcessedMessages processed, Duration retention, Clock clock) {
		this.processed = processed;
		this.retention = retention;
		this.clock = clock;
	}

	/**
	 * Forgets every id recorded more than the retention ago.
	 *
	 * @return how many were forgotten
	 */
	long purge() {
		Instant cutoff = clock.instant().minus(retention);
		long forgotten = 0;
		int batch;
		do {
			batch = processed.forgetProcessedBefore(cutoff, BATCH);
			forgotten += batch;
		}
		while (batch == BATCH);
		if (forgotten > 0) {
			log.debug("Forgot {} processed message id(s) recorded before {}", forgotten, cutoff);
		}
		return forgotten;
	}
}
