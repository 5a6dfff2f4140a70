package io.cleave.registry;

/** A running watch. */
public interface Watch extends AutoCloseable {

	/** Asks for a progress notification now, whether the watch asked for periodic ones or not. */
	void requestProgress();

	/** Stops the watch; no listener call starts after this returns. */
	void cancel();

	@Override
	default void close() {
		cancel();
	}
}
