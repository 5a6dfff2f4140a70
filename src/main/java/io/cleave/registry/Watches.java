package io.cleave.registry;

/** Watches on the key-value store: every change to the watched keys, in revision order, none missed. */
public interface Watches {

	/**
	 * Starts a watch. With a start revision older than the retained history the listener is told the watch was
	 * compacted; with one in the future, events start when the store gets there.
	 */
	Watch watch(WatchRequest request, WatchListener listener);
}
