package io.cleave.registry.jooq;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.cleave.registry.RegistryException;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The embedded store's housekeeping. Expires leases past their deadline: once when the node starts — before
 * anything reads the registry, so keys of leases that ran out while it was down are gone — and then every check
 * interval. And compacts history older than the retained number of revisions, like etcd's revision-mode
 * auto-compaction, so it does not grow without bound.
 */
final class StoreHousekeeping implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(StoreHousekeeping.class);

	private final JooqLeases leases;

	private final JooqKeyValueStore store;

	private final Duration leaseCheckInterval;

	private final long historyRetention;

	private final Duration compactionInterval;

	private @Nullable ScheduledExecutorService scheduler;

	/**
	 * @param historyRetention how many revisions of history to keep; 0 keeps everything
	 */
	StoreHousekeeping(JooqLeases leases, JooqKeyValueStore store, Duration leaseCheckInterval, long historyRetention,
			Duration compactionInterval) {
		this.leases = leases;
		this.store = store;
		this.leaseCheckInterval = leaseCheckInterval;
		this.historyRetention = historyRetention;
		this.compactionInterval = compactionInterval;
	}

	@Override
	public void start() {
		int expired = leases.expireDue();
		if (expired > 0) {
			log.info("Expired {} lease(s) whose deadline passed while this node was down", expired);
		}
		ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
				.name("registry-housekeeping").factory());
		s.scheduleWithFixedDelay(this::expireLeases, leaseCheckInterval.toMillis(), leaseCheckInterval.toMillis(),
				TimeUnit.MILLISECONDS);
		if (historyRetention > 0) {
			s.scheduleWithFixedDelay(this::compactHistory, compactionInterval.toMillis(),
					compactionInterval.toMillis(), TimeUnit.MILLISECONDS);
		}
		scheduler = s;
	}

	private void expireLeases() {
		try {
			leases.expireDue();
		}
		catch (RuntimeException ex) {
			log.warn("Could not expire leases; trying again in {}", leaseCheckInterval, ex);
		}
	}

	/** Compacts to {@code revision - retention} when history has grown past the retention. */
	void compactHistory() {
		try {
			var positions = store.positions();
			long target = positions.revision() - historyRetention;
			if (target > positions.compactRevision()) {
				store.compact(target);
				log.debug("Compacted registry history to revision {}", target);
			}
		}
		catch (RegistryException ex) {
			log.debug("Compaction skipped: {}", ex.getMessage()); // another node sharing the database was first
		}
		catch (RuntimeException ex) {
			log.warn("Could not compact the registry's history; trying again in {}", compactionInterval, ex);
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
