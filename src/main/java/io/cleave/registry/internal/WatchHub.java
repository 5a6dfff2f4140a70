package io.cleave.registry.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.cleave.registry.RegistryException;
import io.cleave.registry.Watch;
import io.cleave.registry.WatchEvent;
import io.cleave.registry.WatchListener;
import io.cleave.registry.WatchRequest;
import io.cleave.registry.Watches;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Fans the store's changes out to watchers, as etcd's watchable store does. One tailer thread follows the store's
 * history into a buffer of recent events — taking each local commit's events as the commit hands them over, in
 * revision order, without reading them back, and reading the stored history for the rest: the commits of other nodes
 * sharing the database (found by polling), anything missing between two hand-overs, compactions — and hands each
 * event to the <em>synced</em> watchers whose range holds its key, found through a {@link WatchIndex}. A watcher
 * behind the tailer (one replaying from a past revision, or too slow to keep its queue short) is <em>unsynced</em>: it
 * catches up on its own from the buffer or, further behind, from the stored history, then joins the synced ones. Each
 * watcher runs on its own virtual thread, so a slow one holds up nobody else and never loses an event: if the history
 * it needs has been compacted it is told so and ends.
 *
 * <p>Three promises hold under every interleaving: a watch from now reports every change after the revision its
 * {@link Watch#createdRevision()} announces; a progress notification names a revision only once every event up to
 * it has been delivered; a compaction racing a read either leaves the read whole or cancels the watchers that needed
 * what it removed, with the compacted revision.
 */
public final class WatchHub implements Watches, SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(WatchHub.class);

	/** Revisions read from the history in one query, by the tailer and by catching-up watchers. */
	private static final int REVISIONS_PER_READ = 1000;

	private final EventLog history;

	private final Duration pollInterval;

	private final Duration progressInterval;

	private final int bufferCapacity;

	private final ReentrantLock lock = new ReentrantLock();

	private final Semaphore wakeTailer = new Semaphore(0);

	/** Local commits told to the hub, oldest first, for the tailer to take. */
	private final Queue<EventLog.Commit> handedOver = new ConcurrentLinkedQueue<>();

	/** Whether the tailer must look at the stored history rather than only take what was handed over. */
	private final AtomicBoolean historyToRead = new AtomicBoolean(true);

	private final Set<Watcher> watchers = ConcurrentHashMap.newKeySet();

	private final AtomicLong ids = new AtomicLong();

	/** Every running watcher by the keys it watches; guarded by {@link #lock}. */
	private final WatchIndex<Watcher> index = new WatchIndex<>();

	/** Watchers catching up on their own, woken whenever the tailer advances; guarded by {@link #lock}. */
	private final Set<Watcher> unsynced = new HashSet<>();

	/** Watchers waiting for the tailer to reach the revision a progress request must name; guarded by {@link #lock}. */
	private final Set<Watcher> awaitingProgress = new HashSet<>();

	/** Recent events, oldest first; guarded by {@link #lock}. */
	private final List<WatchEvent> buffer = new ArrayList<>();

	/** Every event of a revision in {@code [bufferStart, tail]} is in the buffer; guarded by {@link #lock}. */
	private long bufferStart;

	/** The revision the tailer has read up to; guarded by {@link #lock}. */
	private long tail;

	private volatile boolean running;

	private @Nullable Thread tailer;

	/**
	 * @param history the store's history
	 * @param pollInterval how often to look for commits made by other nodes
	 * @param progressInterval how long a watch that asked for progress notifications may stay silent
	 * @param bufferCapacity how many recent events to keep in memory for watchers that are behind, and how many a
	 *     synced watcher may have queued before it is left to catch up on its own
	 */
	public WatchHub(EventLog history, Duration pollInterval, Duration progressInterval, int bufferCapacity) {
		this.history = history;
		this.pollInterval = pollInterval;
		this.progressInterval = progressInterval;
		this.bufferCapacity = bufferCapacity;
		history.onCommit(this::committed);
	}

	@Override
	public Watch watch(WatchRequest request, WatchListener listener) {
		if (!running) {
			throw new RegistryException(RegistryException.Reason.UNAVAILABLE, "etcdserver: the store is not running");
		}
		// One read decides both what the watch announces and where it starts, so no write can fall in between.
		EventLog.Positions positions = history.positions();
		long next = request.startRevision() > 0 ? request.startRevision() : positions.revision() + 1;
		Watcher watcher = new Watcher(ids.incrementAndGet(), request, listener, next, positions);
		watchers.add(watcher);
		lock.lock();
		try {
			index.add(request.range(), watcher);
			unsynced.add(watcher);
		}
		finally {
			lock.unlock();
		}
		Thread.ofVirtual().name("registry-watch-" + watcher.id).start(watcher::run);
		return watcher;
	}

	/** How many watches are running. */
	public int size() {
		return watchers.size();
	}

	@Override
	public void start() {
		long revision = history.positions().revision();
		lock.lock();
		try {
			tail = revision;
			bufferStart = revision + 1;
		}
		finally {
			lock.unlock();
		}
		running = true;
		tailer = Thread.ofPlatform().daemon().name("registry-watch-tailer").start(this::tailLoop);
	}

	@Override
	public void stop() {
		running = false;
		wakeTailer.release();
		watchers.forEach(Watcher::cancel);
		Thread t = tailer;
		if (t != null) {
			try {
				t.join(Duration.ofSeconds(5));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	/** Before the gRPC and REST adapters and discovery, which watch. */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 1000;
	}

	/**
	 * A local commit, told in revision order once durable, on the committing writer's thread: queued for the tailer,
	 * which takes its events without reading them back, so the writer's acknowledgement waits for no fan-out.
	 */
	private void committed(EventLog.Commit commit) {
		if (!running) {
			return; // the tailer's first look at the history (or its last) covers it
		}
		handedOver.add(commit);
		if (commit.compacted()) {
			historyToRead.set(true);
		}
		wakeTailer.release();
	}

	private void tailLoop() {
		while (running) {
			try {
				// Commits handed over that follow on from the tail need no read. The history is read for what was not
				// handed over — another node's commits (found at each poll), a gap, a compaction — and on request.
				if (!takeHandedOver() | historyToRead.getAndSet(false)) {
					catchUp();
				}
				if (wakeTailer.tryAcquire(pollInterval.toNanos(), TimeUnit.NANOSECONDS)) {
					wakeTailer.drainPermits();
				}
				else {
					historyToRead.set(true);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				if (running) {
					historyToRead.set(true);
					log.warn("Could not read the registry's history; retrying in {}", pollInterval, ex);
					sleepQuietly(pollInterval);
				}
			}
		}
	}

	/**
	 * Takes the commits handed over so far into the buffer and the synced watchers' queues, each that follows on from
	 * the tail; false if one did not (revisions before it were not handed over, or came out of order): the history
	 * holds what is missing.
	 */
	private boolean takeHandedOver() {
		boolean whole = true;
		for (EventLog.Commit commit; (commit = handedOver.poll()) != null;) {
			if (!commit.wroteRevisions()) {
				continue;
			}
			lock.lock();
			try {
				if (commit.firstRevision() <= tail + 1) {
					append(commit.events(), commit.lastRevision());
				}
				else {
					whole = false;
				}
			}
			finally {
				lock.unlock();
			}
		}
		return whole;
	}

	/** Reads the history up to the store's revision into the buffer and the synced watchers' queues. */
	private void catchUp() {
		while (running) {
			EventLog.Positions positions = history.positions();
			takeHandedOver(); // what was handed over meanwhile need not be read
			long from = tailRevision() + 1;
			if (positions.compactRevision() > from) {
				// Compacted past what this node has read (it was stopped, or very slow): the events in between are
				// gone. Watchers that still need them find out from the stored history.
				restartBufferAt(positions.compactRevision());
				continue;
			}
			dropBufferedBefore(positions.compactRevision());
			if (positions.revision() < from) {
				return;
			}
			long to = Math.min(positions.revision(), from + REVISIONS_PER_READ - 1);
			List<WatchEvent> events = history.events(from, to);
			if (history.positions().compactRevision() > from) {
				// A compaction committed while the read ran and may have removed part of what it was to return:
				// nothing of it can be trusted to be whole. etcd cancels such watchers rather than leave a gap.
				continue;
			}
			append(events, to);
		}
	}

	/**
	 * Takes every event of the revisions up to {@code to} that follow the tail: {@code events} holds all of those
	 * (and maybe earlier ones, already taken from a commit handed over while the tailer read them).
	 */
	private void append(List<WatchEvent> events, long to) {
		lock.lock();
		try {
			if (to <= tail) {
				return;
			}
			if (!events.isEmpty() && events.getFirst().revision() <= tail) {
				long after = tail;
				events = events.stream().filter(e -> e.revision() > after).toList();
			}
			Set<Watcher> woken = new HashSet<>(unsynced);
			woken.addAll(awaitingProgress);
			buffer.addAll(events);
			for (WatchEvent event : events) {
				index.forEachWatching(event.kv().key(), watcher -> {
					if (watcher.synced) {
						watcher.pending.add(event);
						woken.add(watcher);
					}
				});
			}
			tail = to;
			if (buffer.size() > 2 * bufferCapacity) {
				List<WatchEvent> evicted = buffer.subList(0, buffer.size() - bufferCapacity);
				bufferStart = evicted.getLast().revision() + 1;
				evicted.clear();
			}
			for (Watcher watcher : woken) {
				if (watcher.synced && watcher.pending.size() > bufferCapacity) {
					// Too slow to keep up: stop queueing for it, it catches up from the buffer or history instead.
					desync(watcher);
				}
				watcher.wake.signal();
			}
		}
		finally {
			lock.unlock();
		}
	}

	private long tailRevision() {
		lock.lock();
		try {
			return tail;
		}
		finally {
			lock.unlock();
		}
	}

	/** Compaction removed revisions before {@code revision} from history: watchers that need them learn so there. */
	private void dropBufferedBefore(long revision) {
		lock.lock();
		try {
			if (revision > bufferStart) {
				buffer.subList(0, firstIndexAtOrAfter(revision)).clear();
				bufferStart = revision;
			}
		}
		finally {
			lock.unlock();
		}
	}

	/** Forgets everything read: history from {@code revision} on is all there is. Synced watchers fall behind. */
	private void restartBufferAt(long revision) {
		lock.lock();
		try {
			List<Watcher> synced = watchers.stream().filter(w -> w.synced).toList();
			synced.forEach(this::desync);
			buffer.clear();
			bufferStart = revision;
			tail = revision - 1;
			unsynced.forEach(w -> w.wake.signal());
		}
		finally {
			lock.unlock();
		}
	}

	/** Called with {@link #lock} held: the watcher goes on from the first revision it has not taken, on its own. */
	private void desync(Watcher watcher) {
		watcher.next = watcher.pending.isEmpty() ? tail + 1 : watcher.pending.getFirst().revision();
		watcher.pending.clear();
		watcher.synced = false;
		unsynced.add(watcher);
	}

	/** The store's revision; 0 if it cannot say, then progress names what the tailer has reached. */
	private long storeRevisionOrZero() {
		try {
			return history.positions().revision();
		}
		catch (RuntimeException unavailable) {
			return 0;
		}
	}

	private int firstIndexAtOrAfter(long revision) {
		int low = 0;
		int high = buffer.size();
		while (low < high) {
			int mid = (low + high) >>> 1;
			if (buffer.get(mid).revision() < revision) {
				low = mid + 1;
			}
			else {
				high = mid;
			}
		}
		return low;
	}

	private static void sleepQuietly(Duration duration) {
		try {
			Thread.sleep(duration);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** What a watcher does next. */
	private sealed interface Step {
	}

	/** Deliver these events (not yet filtered), which are every event up to {@code upTo} the watcher has not had. */
	private record Deliver(List<WatchEvent> events, long upTo) implements Step {
	}

	/** Read history from the watcher's next revision, the buffer no longer holding it. */
	private record ReadHistory(long tail) implements Step {
	}

	/** Report progress at {@code revision}: every event up to it has been delivered. */
	private record Progress(long revision) implements Step {
	}

	private final class Watcher implements Watch {

		final long id;

		final WatchRequest request;

		final WatchListener listener;

		final long createdRevision;

		final long compactRevisionAtStart;

		final Condition wake = lock.newCondition();

		/** The first revision not yet taken for delivery; guarded by {@link #lock}. */
		long next;

		/** Whether the tailer queues this watcher's events in {@link #pending}; guarded by {@link #lock}. */
		boolean synced;

		/** Events queued by the tailer, all after {@link #next}; guarded by {@link #lock}. */
		final List<WatchEvent> pending = new ArrayList<>();

		volatile boolean cancelled;

		volatile boolean progressRequested;

		/** A requested progress names at least the store's revision at the request, as etcd's does. */
		volatile long progressFloor;

		volatile long lastSentNanos = System.nanoTime();

		Watcher(long id, WatchRequest request, WatchListener listener, long next, EventLog.Positions positions) {
			this.id = id;
			this.request = request;
			this.listener = listener;
			this.next = next;
			this.createdRevision = positions.revision();
			this.compactRevisionAtStart = positions.compactRevision();
		}

		@Override
		public long createdRevision() {
			return createdRevision;
		}

		@Override
		public void requestProgress() {
			progressFloor = storeRevisionOrZero();
			progressRequested = true;
			historyToRead.set(true);
			wakeTailer.release();
			lock.lock();
			try {
				awaitingProgress.add(this);
				wake.signal();
			}
			finally {
				lock.unlock();
			}
		}

		@Override
		public void cancel() {
			cancelled = true;
			forget();
			signal();
		}

		private void signal() {
			lock.lock();
			try {
				wake.signal();
			}
			finally {
				lock.unlock();
			}
		}

		private void forget() {
			if (watchers.remove(this)) {
				lock.lock();
				try {
					index.remove(request.range(), this);
					unsynced.remove(this);
					awaitingProgress.remove(this);
					pending.clear();
				}
				finally {
					lock.unlock();
				}
			}
		}

		/** Whether progress at {@code revision} is to be reported now: asked for and reached, or periodically due. */
		boolean progressDue(long revision) {
			return (progressRequested && revision >= progressFloor)
					|| (request.progressNotify() && System.nanoTime() - lastSentNanos >= progressInterval.toNanos());
		}

		void run() {
			try {
				if (next < compactRevisionAtStart) {
					end(RegistryException.compacted(), compactRevisionAtStart);
					return;
				}
				while (!cancelled) {
					Step step = nextStep();
					if (step == null || cancelled) {
						return;
					}
					switch (step) {
						case Deliver d -> deliver(d.events(), d.upTo());
						case ReadHistory r -> {
							if (!replayFromHistory(r.tail())) {
								return;
							}
						}
						case Progress p -> progress(p.revision());
					}
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (RuntimeException ex) {
				if (!cancelled) {
					log.warn("Watch {} on {} failed and is cancelled", id, request.range(), ex);
					end(ex instanceof RegistryException re ? re
							: new RegistryException(RegistryException.Reason.UNAVAILABLE,
									"etcdserver: watch failed: " + ex.getMessage(), ex), 0);
				}
			}
		}

		/** Waits for something to do; null once cancelled. */
		private @Nullable Step nextStep() throws InterruptedException {
			lock.lock();
			try {
				while (!cancelled) {
					if (synced) {
						if (!pending.isEmpty()) {
							List<WatchEvent> taken = List.copyOf(pending);
							pending.clear();
							next = tail + 1;
							return new Deliver(taken, tail);
						}
						if (progressDue(tail)) {
							return new Progress(tail);
						}
					}
					else if (tail >= next) {
						if (next < bufferStart) {
							return new ReadHistory(tail);
						}
						List<WatchEvent> taken = List.copyOf(buffer.subList(firstIndexAtOrAfter(next), buffer.size()));
						next = tail + 1;
						return new Deliver(taken, tail);
					}
					else if (tail == next - 1) {
						// Caught up: from here on the tailer queues this watcher's events as it reads them.
						synced = true;
						unsynced.remove(this);
						continue;
					}
					else if (progressDue(tail)) {
						return new Progress(tail); // starts in the future: nothing up to the tail concerns it
					}
					if (request.progressNotify()) {
						// Timed even while a requested progress waits for the tailer: periodic ones stay on time.
						wake.awaitNanos(Math.max(1, progressInterval.toNanos() - (System.nanoTime() - lastSentNanos)));
					}
					else {
						wake.await();
					}
				}
				return null;
			}
			finally {
				lock.unlock();
			}
		}

		/** Reads the next span from the stored history; false if the watch ended because it was compacted away. */
		private boolean replayFromHistory(long tail) {
			long from = currentNext();
			long upTo = Math.min(tail, from + REVISIONS_PER_READ - 1);
			List<WatchEvent> events = history.events(from, upTo);
			long compactRevision = history.positions().compactRevision();
			if (from < compactRevision) {
				// Checked after the read: a compaction running meanwhile may have removed part of what was read.
				end(RegistryException.compacted(), compactRevision);
				return false;
			}
			lock.lock();
			try {
				next = upTo + 1;
			}
			finally {
				lock.unlock();
			}
			deliver(events, upTo);
			return true;
		}

		private long currentNext() {
			lock.lock();
			try {
				return next;
			}
			finally {
				lock.unlock();
			}
		}

		/** Delivers what of {@code events} the watch wants; everything up to {@code upTo} has then been delivered. */
		private void deliver(List<WatchEvent> events, long upTo) {
			List<WatchEvent> matching = new ArrayList<>();
			for (WatchEvent event : events) {
				if (event.revision() <= upTo && request.admits(event)) {
					matching.add(request.prevKv() ? event : event.withoutPrevKv());
				}
			}
			if (!matching.isEmpty() && !cancelled) {
				lastSentNanos = System.nanoTime();
				listener.onEvents(upTo, matching);
			}
			if (progressRequested && upTo >= progressFloor && !cancelled) {
				// Answered at once, even while more keeps coming: the watch is whole up to here.
				progress(upTo);
			}
		}

		private void progress(long revision) {
			progressRequested = false;
			lock.lock();
			try {
				awaitingProgress.remove(this);
			}
			finally {
				lock.unlock();
			}
			lastSentNanos = System.nanoTime();
			listener.onProgress(revision);
		}

		private void end(RegistryException reason, long compactRevision) {
			cancelled = true;
			forget();
			listener.onCanceled(reason, compactRevision);
		}
	}
}
