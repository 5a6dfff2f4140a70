package io.cleave.registry.internal;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;

import io.cleave.registry.Bytes;
import io.cleave.registry.KeyValue;
import io.cleave.registry.WatchEvent;

import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * A store's history in memory that a test writes to, compacts, and interleaves with the watch hub's reads: a hook
 * set with {@link #beforeNextRead} runs inside the next {@link #events} call, on the reading thread, before it reads.
 * Each commit is handed to the hub with its events, as the store does, unless the test turns that off (the commits of
 * another node sharing the database) or scripts the hand-over to skip or reorder commits.
 */
final class ScriptedEventLog implements EventLog {

	private final List<WatchEvent> events = new ArrayList<>();

	private final List<Consumer<Commit>> commitListeners = new CopyOnWriteArrayList<>();

	private final AtomicInteger reads = new AtomicInteger();

	private volatile boolean handOff = true;

	private volatile @Nullable Predicate<Long> skipHandOff;

	private volatile @Nullable Predicate<Long> delayHandOff;

	/** A hand-over held back to be told after the next one; guarded by {@code this}. */
	private @Nullable Commit delayed;

	private final AtomicReference<@Nullable Runnable> beforeNextRead = new AtomicReference<>();

	private final AtomicReference<@Nullable BooleanSupplier> holdNextPositions = new AtomicReference<>();

	private long revision = 1;

	private long compactRevision;

	/**
	 * Writes {@code key}, commits and hands the commit to the hub (as scripted); returns the new revision. The new
	 * revision shows in {@link #positions()} only once the hand-over is done, so that a hub reads the history only
	 * when it has to.
	 */
	synchronized long put(String key, String value) {
		long written = ++revision;
		WatchEvent event = new WatchEvent(WatchEvent.Type.PUT,
				new KeyValue(Bytes.utf8(key), Bytes.utf8(value), written, written, 1, 0), null);
		events.add(event);
		if (handOff) {
			Commit commit = new Commit(written, written, List.of(event), false);
			Predicate<Long> skip = skipHandOff;
			Predicate<Long> delay = delayHandOff;
			if (skip != null && skip.test(written)) {
				return written; // told to nobody: the hub finds it at its next poll
			}
			if (delay != null && delay.test(written) && delayed == null) {
				delayed = commit;
				return written;
			}
			tell(commit);
			if (delayed != null && delayed != commit) {
				Commit late = delayed;
				delayed = null;
				tell(late);
			}
		}
		return written;
	}

	/** Drops every event before {@code revision}, as the store's compaction drops superseded history. */
	void compact(long compactTo) {
		synchronized (this) {
			events.removeIf(event -> event.revision() < compactTo);
			compactRevision = compactTo;
			if (handOff) {
				tell(new Commit(revision + 1, revision, List.of(), true));
			}
		}
	}

	/** Whether commits are handed to the hub; when not, it finds them by polling, as another node's commits. */
	void handOff(boolean on) {
		handOff = on;
	}

	/** Hands over no commit whose revision passes {@code test}. */
	void skipHandOffOf(Predicate<Long> test) {
		skipHandOff = test;
	}

	/** Hands over a commit whose revision passes {@code test} only after the next commit's. */
	void delayHandOffOf(Predicate<Long> test) {
		delayHandOff = test;
	}

	/** How many times the history was read. */
	int reads() {
		return reads.get();
	}

	private void tell(Commit commit) {
		commitListeners.forEach(listener -> listener.accept(commit));
	}

	/** Runs {@code hook} at the start of the next read of the history, whoever reads. */
	void beforeNextRead(Runnable hook) {
		beforeNextRead.set(hook);
	}

	/**
	 * Holds the next {@link #positions()} call, whoever makes it, until {@code until} holds or a second has passed: lets
	 * other threads act on what was read before the reader looks again.
	 */
	void holdNextPositions(BooleanSupplier until) {
		holdNextPositions.set(until);
	}

	synchronized long revision() {
		return revision;
	}

	@Override
	public Positions positions() {
		BooleanSupplier until = holdNextPositions.getAndSet(null);
		if (until != null) {
			try {
				await().atMost(Duration.ofSeconds(1)).until(until::getAsBoolean);
			}
			catch (ConditionTimeoutException notYet) {
				// the hub reads on: a test whose condition never holds shows it in its own assertions
			}
		}
		synchronized (this) {
			return new Positions(revision, compactRevision);
		}
	}

	@Override
	public List<WatchEvent> events(long fromRevision, long toRevision) {
		reads.incrementAndGet();
		Runnable hook = beforeNextRead.getAndSet(null);
		if (hook != null) {
			hook.run();
		}
		synchronized (this) {
			return events.stream().filter(e -> e.revision() >= fromRevision && e.revision() <= toRevision).toList();
		}
	}

	@Override
	public void onCommit(Consumer<Commit> listener) {
		commitListeners.add(listener);
	}
}
