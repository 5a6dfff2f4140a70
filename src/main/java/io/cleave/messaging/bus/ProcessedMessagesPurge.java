package io.cleave.messaging.bus;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;

/**
 * Forgets processed message ids once they are older than the retention, every purge interval, in bounded batches:
 * without it {@code messaging_processed} would grow by one row per handled message forever. Nodes sharing a database
 * may all purge; they delete the same rows, which is harmless.
 */
final class ProcessedMessagesPurge implements SmartLifecycle {

	/** Ids deleted per transaction. */
	static final int BATCH = 1_000;

	private static final Logger log = LoggerFactory.getLogger(ProcessedMessagesPurge.class);

	private final ProcessedMessages processed;

	private final TaskScheduler scheduler;

	private final Duration retention;

	private final Duration interval;

	private final Clock clock;

	private volatile @Nullable ScheduledFuture<?> scheduled;

	ProcessedMessagesPurge(ProcessedMessages processed, TaskScheduler scheduler, Duration retention,
			Duration interval, Clock clock) {
		this.processed = processed;
		this.scheduler = scheduler;
		this.retention = retention;
		this.interval = interval;
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

	private void purgeQuietly() {
		try {
			purge();
		}
		catch (RuntimeException ex) {
			log.warn("Could not forget old processed message ids; trying again in {}", interval, ex);
		}
	}

	@Override
	public void start() {
		// The first purge one interval after start, off the start path.
		scheduled = scheduler.scheduleWithFixedDelay(this::purgeQuietly, clock.instant().plus(interval), interval);
	}

	@Override
	public void stop() {
		ScheduledFuture<?> s = scheduled;
		if (s != null) {
			s.cancel(false);
		}
		scheduled = null;
	}

	@Override
	public boolean isRunning() {
		return scheduled != null;
	}
}
