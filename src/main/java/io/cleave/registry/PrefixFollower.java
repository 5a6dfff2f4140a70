package io.cleave.registry;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a local copy of a key range current, the way every registry client needs one (service discovery, the pattern
 * table): it loads a snapshot, then watches from the snapshot's revision + 1, so nothing written in between is missed.
 * A watch that ends because the store failed is opened again from the last revision seen, so the changes of the gap
 * are replayed; one whose history was compacted loads a new snapshot instead. Both are retried with exponential
 * backoff (100 ms doubling to 5 s) while the store keeps failing, and logged.
 *
 * <p>The listener's calls never overlap and arrive in revision order: snapshots and events alike.
 */
public final class PrefixFollower implements AutoCloseable {

	/** What the follower delivers. */
	public interface Listener {

		/**
		 * Everything in the range at {@code revision}: it replaces what the listener held. {@code reload} is false for
		 * the first snapshot, true for one loaded after the watch fell behind a compaction (events were missed: the
		 * listener may publish the difference).
		 */
		void onSnapshot(long revision, List<KeyValue> kvs, boolean reload);

		/** Changes after what the listener holds, in revision order. */
		void onEvents(long revision, List<WatchEvent> events);
	}

	private static final long FIRST_BACKOFF_MILLIS = 100;

	private static final long MAX_BACKOFF_MILLIS = 5_000;

	private static final Logger log = LoggerFactory.getLogger(PrefixFollower.class);

	private final KeyValueStore kv;

	private final Watches watches;

	private final KeyRange range;

	private final Listener listener;

	private final String name;

	private final ScheduledExecutorService retries;

	/** Serialises snapshots with the watch's calls, so the listener sees one sequence. */
	private final Object delivery = new Object();

	/** The listener holds every change up to this revision. */
	private volatile long seenRevision;

	private volatile @Nullable Watch watch;

	private volatile boolean open = true;

	private PrefixFollower(KeyValueStore kv, Watches watches, KeyRange range, Listener listener, String name) {
		this.kv = kv;
		this.watches = watches;
		this.range = range;
		this.listener = listener;
		this.name = name;
		this.retries = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name(name + "-follower").factory());
	}

	/**
	 * Loads {@code range} into {@code listener} and follows it from then on. The first snapshot is loaded before this
	 * returns: if the store cannot be read, this throws and nothing is left running.
	 *
	 * @param name names the follower in logs and its retry thread ("discovery", "pattern-table")
	 */
	public static PrefixFollower follow(KeyValueStore kv, Watches watches, KeyRange range, Listener listener,
			String name) {
		PrefixFollower follower = new PrefixFollower(kv, watches, range, listener, name);
		try {
			follower.load(false);
		}
		catch (RuntimeException ex) {
			follower.close();
			throw ex;
		}
		return follower;
	}

	/** The revision up to which the listener holds every change. */
	public long seenRevision() {
		return seenRevision;
	}

	/** Stops following; no listener call starts after this returns. */
	@Override
	public void close() {
		open = false;
		Watch w = watch;
		if (w != null) {
			w.cancel();
		}
		retries.shutdownNow();
		synchronized (delivery) { // waits out a snapshot being delivered
			watch = null;
		}
	}

	private void load(boolean reload) {
		synchronized (delivery) {
			if (!open) {
				return;
			}
			RangeResult snapshot = kv.range(RangeQuery.of(range));
			listener.onSnapshot(snapshot.revision(), snapshot.kvs(), reload);
			seenRevision = snapshot.revision();
		}
		watchFrom(seenRevision + 1);
	}

	private void watchFrom(long revision) {
		Watch w = watches.watch(WatchRequest.of(range).fromRevision(revision), new Follower());
		watch = w;
		if (!open) { // closed while the watch was being opened
			w.cancel();
		}
	}

	/**
	 * Re-establishes the watch after it ended: from the last revision seen, or by a new snapshot when that history was
	 * compacted; retried with backoff while the store fails.
	 */
	private void recover(boolean compacted, int attempt) {
		if (!open) {
			return;
		}
		try {
			if (compacted) {
				load(true);
			}
			else {
				watchFrom(seenRevision + 1);
			}
			log.info("The {} watch is following the registry again from revision {}{}", name, seenRevision + 1,
					attempt > 0 ? " (after " + attempt + " failed attempt(s))" : "");
		}
		catch (RuntimeException ex) {
			long delay = backoff(attempt);
			log.warn("Could not re-establish the {} watch ({}); retrying in {} ms", name, ex.getMessage(), delay);
			try {
				retries.schedule(() -> recover(compacted, attempt + 1), delay, TimeUnit.MILLISECONDS);
			}
			catch (RejectedExecutionException closed) {
				// closed meanwhile: nothing to follow any more
			}
		}
	}

	/** The wait before retry number {@code attempt + 1}. */
	static long backoff(int attempt) {
		return Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << Math.min(attempt, 16));
	}

	private final class Follower implements WatchListener {

		@Override
		public void onEvents(long revision, List<WatchEvent> events) {
			synchronized (delivery) {
				if (!open) {
					return;
				}
				listener.onEvents(revision, events);
				if (!events.isEmpty()) {
					seenRevision = Math.max(seenRevision, events.getLast().kv().modRevision());
				}
			}
		}

		@Override
		public void onCanceled(RegistryException reason, long compactRevision) {
			if (!open) {
				return;
			}
			boolean compacted = compactRevision > 0;
			if (compacted) {
				log.warn("The {} watch fell behind a compaction to revision {}; loading a new snapshot", name,
						compactRevision);
			}
			else {
				log.warn("The {} watch ended ({}); following again from revision {}", name, reason.getMessage(),
						seenRevision + 1);
			}
			try {
				retries.execute(() -> recover(compacted, 0));
			}
			catch (RejectedExecutionException closed) {
				// closed meanwhile
			}
		}
	}
}
