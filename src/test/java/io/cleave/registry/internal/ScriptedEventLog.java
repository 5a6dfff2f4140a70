package io.cleave.registry.internal;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import io.cleave.registry.Bytes;
import io.cleave.registry.KeyValue;
import io.cleave.registry.WatchEvent;

import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * A store's history in memory that a test writes to, compacts, and interleaves with the watch hub's reads: a hook
 * set with {@link #beforeNextRead} runs inside the next {@link #events} call, on the reading thread, before it reads.
 */
final class ScriptedEventLog implements EventLog {

	private final List<WatchEvent> events = new ArrayList<>();

	private final List<Runnable> commitCallbacks = new CopyOnWriteArrayList<>();

	private final AtomicReference<@Nullable Runnable> beforeNextRead = new AtomicReference<>();

	private final AtomicReference<@Nullable BooleanSupplier> holdNextPositions = new AtomicReference<>();

	private long revision = 1;

	private long compactRevision;

	/** Writes {@code key}, commits, wakes the hub; returns the new revision. */
	long put(String key, String value) {
		long written;
		synchronized (this) {
			written = ++revision;
			events.add(new WatchEvent(WatchEvent.Type.PUT,
					new KeyValue(Bytes.utf8(key), Bytes.utf8(value), written, written, 1, 0), null));
		}
		commitCallbacks.forEach(Runnable::run);
		return written;
	}

	/** Drops every event before {@code revision}, as the store's compaction drops superseded history. */
	void compact(long compactTo) {
		synchronized (this) {
			events.removeIf(event -> event.revision() < compactTo);
			compactRevision = compactTo;
		}
		commitCallbacks.forEach(Runnable::run);
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
		Runnable hook = beforeNextRead.getAndSet(null);
		if (hook != null) {
			hook.run();
		}
		synchronized (this) {
			return events.stream().filter(e -> e.revision() >= fromRevision && e.revision() <= toRevision).toList();
		}
	}

	@Override
	public void onCommit(Runnable callback) {
		commitCallbacks.add(callback);
	}
}
