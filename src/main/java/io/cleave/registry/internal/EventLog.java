package io.cleave.registry.internal;

import java.util.List;

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

	/** Registers a callback run after each local write commits, so the hub need not wait for its next poll. */
	void onCommit(Runnable callback);

	/**
	 * Where the store stands.
	 *
	 * @param revision the current revision
	 * @param compactRevision the oldest revision still in history (0 if never compacted)
	 */
	record Positions(long revision, long compactRevision) {
	}
}
