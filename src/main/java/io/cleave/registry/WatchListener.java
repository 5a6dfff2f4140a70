package io.cleave.registry;

import java.util.List;

/**
 * Receives what a watch sees. Calls for one watch never overlap and arrive in revision order; a slow listener only
 * holds up its own watch.
 */
public interface WatchListener {

	/** The events of one or more revisions, in order; {@code revision} is the store's revision when sent. */
	void onEvents(long revision, List<WatchEvent> events);

	/** Nothing matched up to {@code revision}: every event up to it has been delivered. */
	default void onProgress(long revision) {
	}

	/**
	 * The watch ended without being cancelled by its owner: the history it needed was compacted (reason
	 * {@code OUT_OF_RANGE}, {@code compactRevision} &gt; 0) or the store failed. No call follows.
	 */
	void onCanceled(RegistryException reason, long compactRevision);
}
