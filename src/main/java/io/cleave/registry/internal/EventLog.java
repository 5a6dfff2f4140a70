package io.cleave.registry.internal;

import java.util.List;
import java.util.function.Consumer;

import io.cleave.registry.WatchEvent;

/** The store's history as the watch hub reads it: where it stands, and the events of a span of revisions. */
public interface EventLog {

	/** The store's current revision and the revision its history was compacted to. */
	Positions positions();

	/**
	 * Every event with a revision in {@code [fromRevision, toRevision]}, in order, each with its previous key-value
	 * when that is still retained.
	 */
	List<WatchEvent> events(long fromRevision, long toRevision);

	/**
	 * The latest revision known without a query, for response headers that need no read (keep-alives): at least the
	 * revision of this node's last commit.
	 */
	default long latestRevision() {
		return positions().revision();
	}

	/**
	 * Registers a listener told of each local write once it is durable, in revision order, with what it wrote: the
	 * hub need neither wait for its next poll nor read back what the commit already holds in memory.
	 */
	void onCommit(Consumer<Commit> listener);

	/**
	 * Where the store stands.
	 *
	 * @param revision the current revision
	 * @param compactRevision the oldest revision still in history (0 if never compacted)
	 */
	record Positions(long revision, long compactRevision) {
	}

	/**
	 * One local commit, told after it is durable.
	 *
	 * @param firstRevision the first revision it wrote
	 * @param lastRevision the last revision it wrote; below {@code firstRevision} when it wrote none
	 * @param events every event of the revisions {@code [firstRevision, lastRevision]}, in order, each with its
	 *     previous key-value
	 * @param compacted whether it moved the compaction revision: what is buffered before it must go
	 */
	record Commit(long firstRevision, long lastRevision, List<WatchEvent> events, boolean compacted) {

		public Commit {
			events = List.copyOf(events);
		}

		/** Whether it wrote any revision. */
		public boolean wroteRevisions() {
			return lastRevision >= firstRevision;
		}
	}
}
