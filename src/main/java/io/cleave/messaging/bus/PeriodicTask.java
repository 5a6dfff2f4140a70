package io.cleave.messaging.bus;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;

/**
 * Housekeeping that runs every {@code interval} while the node runs, the first time one interval after start (off the
 * start path). A failed run is logged and the next one tries again.
 */
final class PeriodicTask implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(PeriodicTask.class);

	private final String what;

	private final TaskScheduler scheduler;

	private final Duration interval;

	private final Runnable task;

	private volatile @Nullable ScheduledFuture<?> scheduled;

	/** @param what what the task does, for the log ("forget old processed message ids") */
	PeriodicTask(String what, TaskScheduler scheduler, Duration interval, Runnable task) {
		this.what = what;
		this.scheduler = scheduler;
		this.interval = interval;
		this.task = task;
	}

	private void runQuietly() {
		try {
			task.run();
		}
		catch (RuntimeException ex) {
			log.warn("Could not {}; trying again in {}", what, interval, ex);
		}
	}

	@Override
	public void start() {
		scheduled = scheduler.scheduleWithFixedDelay(this::runQuietly, Instant.now().plus(interval), interval);
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
