package io.cleave.registry;

/**
 * What a watch follows, etcd's {@code WatchCreateRequest}.
 *
 * @param range the key or keys to watch
 * @param startRevision the first revision to report, replaying retained history; 0 for "from now on"
 * @param prevKv report each event's previous key-value as well
 * @param progressNotify send progress notifications while nothing happens
 * @param noPut leave out PUT events
 * @param noDelete leave out DELETE events
 */
public record WatchRequest(KeyRange range, long startRevision, boolean prevKv, boolean progressNotify, boolean noPut,
		boolean noDelete) {

	public WatchRequest {
		RangeQuery.requireNotNegative("start_revision", startRevision);
	}

	public static WatchRequest of(KeyRange range) {
		return new WatchRequest(range, 0, false, false, false, false);
	}

	public WatchRequest fromRevision(long revision) {
		return new WatchRequest(range, revision, prevKv, progressNotify, noPut, noDelete);
	}

	public WatchRequest withPrevKv() {
		return new WatchRequest(range, startRevision, true, progressNotify, noPut, noDelete);
	}

	public WatchRequest withProgressNotify() {
		return new WatchRequest(range, startRevision, prevKv, true, noPut, noDelete);
	}

	public boolean admits(WatchEvent event) {
		return range.contains(event.kv().key())
				&& !(noPut && event.type() == WatchEvent.Type.PUT)
				&& !(noDelete && event.type() == WatchEvent.Type.DELETE);
	}
}
