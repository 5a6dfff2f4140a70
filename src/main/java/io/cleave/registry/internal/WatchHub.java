package io.cleave.registry.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
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
 * Fans the store's changes out to watchers. One tailer thread follows the store's history — woken at once by local
 * commits, and polling for the commits of other nodes sharing the database — into a buffer of recent events. Each
 * watcher runs on its own virtual thread and pulls from that buffer, or from the stored history when it is further
 * behind (a new watcher replaying, or a slow one), so a slow watcher holds up nobody else and never loses an event:
 * if the history it needs has been compacted it is told so and ends.
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

	private final Condition advanced = lock.newCondition();

	private final Semaphore wakeTailer = new Semaphore(0);

	private final Set<Watcher> watchers = ConcurrentHashMap.newKeySet();

	private final AtomicLong ids = new AtomicLong();

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
	 * @param bufferCapacity how many recent events to keep in memory for watchers that are not behind
	 */
	public WatchHub(EventLog history, Duration pollInterval, Duration progressInterval, int bufferCapacity) {
		this.history = history;
		this.pollInterval = pollInterval;
		this.progressInterval = progressInterval;
		this.bufferCapacity = bufferCapacity;
		history.onCommit(wakeTailer::release);
	}

	@Override
	public Watch watch(WatchRequest request, WatchListener listener) {
		if (!running) {
			throw new RegistryException(RegistryException.Reason.UNAVAILABLE, "etcdserver: the store is not running");
		}
		EventLog.Positions positions = history.positions();
		long next = request.startRevision() > 0 ? request.startRevision() : positions.revision() + 1;
		Watcher watcher = new Watcher(ids.incrementAndGet(), request, listener, next);
		watcher.compactRevisionAtStart = positions.compactRevision();
		watchers.add(watcher);
		watcher.thread = Thread.ofVirtual().name("registry-watch-" + watcher.id).start(watcher::run);
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

	private void tailLoop() {
		while (running) {
			try {
				catchUp();
				if (wakeTailer.tryAcquire(pollInterval.toNanos(), TimeUnit.NANOSECONDS)) {
					wakeTailer.drainPermits();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				if (running) {
					log.warn("Could not read the registry's history; retrying in {}", pollInterval, ex);
					sleepQuietly(pollInterval);
				}
			}
		}
	}

	private void catchUp() {
		while (running) {
			EventLog.Positions positions = history.positions();
			long from = tailRevision() + 1;
			if (positions.compactRevision() > from) {
				// Compacted past what this node has read (it was stopped, or very slow): the events in between are
				// gone. Watchers that still need them find out from the stored history.
				from = positions.compactRevision();
				restartBufferAt(from);
			}
			else if (positions.compactRevision() > bufferStartRevision()) {
				dropBufferedBefore(positions.compactRevision());
			}
			if (positions.revision() < from) {
				return;
			}
			long to = Math.min(positions.revision(), from + REVISIONS_PER_READ - 1);
			List<WatchEvent> events = history.events(from, to);
			lock.lock();
			try {
				buffer.addAll(events);
				tail = to;
				if (buffer.size() > 2 * bufferCapacity) {
					List<WatchEvent> evicted = buffer.subList(0, buffer.size() - bufferCapacity);
					bufferStart = evicted.getLast().revision() + 1;
					evicted.clear();
				}
				advanced.signalAll();
			}
			finally {
				lock.unlock();
			}
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

	private long bufferStartRevision() {
		lock.lock();
		try {
			return bufferStart;
		}
		finally {
			lock.unlock();
		}
	}

	/** Compaction removed these revisions from history: watchers that still need them must learn so from it. */
	private void dropBufferedBefore(long revision) {
		lock.lock();
		try {
			buffer.subList(0, firstIndexAtOrAfter(revision)).clear();
			bufferStart = revision;
		}
		finally {
			lock.unlock();
		}
	}

	private void restartBufferAt(long revision) {
		lock.lock();
		try {
			buffer.clear();
			bufferStart = revision;
			tail = revision - 1;
		}
		finally {
			lock.unlock();
		}
	}

	/** What a watcher does next: deliver events (from the buffer, or to be read from history), or report progress. */
	private record Work(long tail, @Nullable List<WatchEvent> buffered, boolean fromHistory) {
	}

	private Work awaitWork(Watcher w) throws InterruptedException {
		lock.lock();
		try {
			while (!w.cancelled && tail < w.next && !w.progressDue()) {
				if (w.request.progressNotify()) {
					advanced.awaitNanos(w.nanosUntilProgressDue());
				}
				else {
					advanced.await();
				}
			}
			if (tail < w.next) {
				return new Work(tail, null, false);
			}
			if (w.next < bufferStart) {
				return new Work(tail, null, true);
			}
			return new Work(tail, List.copyOf(buffer.subList(firstIndexAtOrAfter(w.next), buffer.size())), false);
		}
		finally {
			lock.unlock();
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

	private void wakeWatchers() {
		lock.lock();
		try {
			advanced.signalAll();
		}
		finally {
			lock.unlock();
		}
	}

	private static void sleepQuietly(Duration duration) {
		try {
			Thread.sleep(duration);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private final class Watcher implements Watch {

		final long id;

		final WatchRequest request;

		final WatchListener listener;

		/** The next revision this watcher has to deliver. */
		volatile long next;

		volatile boolean cancelled;

		volatile boolean progressRequested;

		volatile long lastSentNanos = System.nanoTime();

		@Nullable Thread thread;

		long compactRevisionAtStart;

		Watcher(long id, WatchRequest request, WatchListener listener, long next) {
			this.id = id;
			this.request = request;
			this.listener = listener;
			this.next = next;
		}

		@Override
		public void requestProgress() {
			progressRequested = true;
			wakeWatchers();
		}

		@Override
		public void cancel() {
			cancelled = true;
			watchers.remove(this);
			wakeWatchers();
		}

		boolean progressDue() {
			return progressRequested
					|| (request.progressNotify() && System.nanoTime() - lastSentNanos >= progressInterval.toNanos());
		}

		long nanosUntilProgressDue() {
			return Math.max(1, progressInterval.toNanos() - (System.nanoTime() - lastSentNanos));
		}

		void run() {
			try {
				if (next < compactRevisionAtStart) {
					end(RegistryException.compacted(), compactRevisionAtStart);
					return;
				}
				while (!cancelled) {
					Work work = awaitWork(this);
					if (cancelled) {
						return;
					}
					if (work.fromHistory()) {
						if (!replayFromHistory(work.tail())) {
							return;
						}
					}
					else if (work.buffered() != null) {
						deliver(work.buffered(), work.tail(), work.tail());
					}
					else if (progressDue()) {
						progressRequested = false;
						lastSentNanos = System.nanoTime();
						listener.onProgress(work.tail());
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

		/** Reads the next span from the stored history; false if the watch ended because it was compacted away. */
		private boolean replayFromHistory(long tail) {
			long upTo = Math.min(tail, next + REVISIONS_PER_READ - 1);
			List<WatchEvent> events = history.events(next, upTo);
			long compactRevision = history.positions().compactRevision();
			if (next < compactRevision) {
				// Checked after the read: a compaction running meanwhile may have removed part of what was read.
				end(RegistryException.compacted(), compactRevision);
				return false;
			}
			deliver(events, upTo, tail);
			return true;
		}

		private void deliver(List<WatchEvent> events, long upTo, long storeRevision) {
			List<WatchEvent> matching = new ArrayList<>();
			for (WatchEvent event : events) {
				if (event.revision() <= upTo && request.admits(event)) {
					matching.add(request.prevKv() ? event : event.withoutPrevKv());
				}
			}
			next = upTo + 1;
			if (!matching.isEmpty() && !cancelled) {
				lastSentNanos = System.nanoTime();
				listener.onEvents(storeRevision, matching);
			}
		}

		private void end(RegistryException reason, long compactRevision) {
			cancelled = true;
			watchers.remove(this);
			listener.onCanceled(reason, compactRevision);
		}
	}
}
