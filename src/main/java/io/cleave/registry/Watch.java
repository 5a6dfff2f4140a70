package io.cleave.registry;

/** A running watch. */
public interface Watch extends AutoCloseable {

	/**
	 * The store's revision when the watch was created, as etcd's {@code created} response announces it: a watch from
	 * now reports every change after this revision, and none before.
	 */
	long createdRevision();

	/** Asks for a progress notification now, whether the watch asked for periodic ones or not. */
	void requestProgress();

	/** Stops the watch; no listener call starts after this returns. */
	void cancel();

	@Override
	default void close() {
		cancel();
	}
}
