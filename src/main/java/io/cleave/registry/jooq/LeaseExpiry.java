package io.cleave.registry.jooq;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Expires leases past their deadline: once when the node starts — before anything reads the registry, so keys of
 * leases that ran out while it was down are gone — and then every check interval.
 */
final class LeaseExpiry implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(LeaseExpiry.class);

	private final JooqLeases leases;

	private final Duration interval;

	private @Nullable ScheduledExecutorService scheduler;

	LeaseExpiry(JooqLeases leases, Duration interval) {
		this.leases = leases;
		this.interval = interval;
	}

	@Override
	public void start() {
		int expired = leases.expireDue();
		if (expired > 0) {
			log.info("Expired {} lease(s) whose deadline passed while this node was down", expired);
		}
		scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
				.name("registry-lease-expiry").factory());
		scheduler.scheduleWithFixedDelay(this::expire, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
	}

	private void expire() {
		try {
			leases.expireDue();
		}
		catch (RuntimeException ex) {
			log.warn("Could not expire leases; trying again in {}", interval, ex);
		}
	}

	@Override
	public void stop() {
		if (scheduler != null) {
			scheduler.shutdownNow();
			scheduler = null;
		}
	}

	@Override
	public boolean isRunning() {
		return scheduler != null;
	}

	/** Before the watch hub starts, so no watcher sees keys that are already dead. */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 2000;
	}
}
