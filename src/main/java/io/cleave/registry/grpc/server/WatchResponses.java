package io.cleave.registry.grpc.server;

import java.util.ArrayList;
import java.util.List;

import com.google.protobuf.CodedOutputStream;

import io.cleave.registry.WatchEvent;
import cleave.etcd.api.WatchResponse;
import cleave.etcd.api.Event;

/**
 * Splits a batch of events into watch responses of bounded size. Every watch gets responses cut between revisions
 * — a client cannot tell them from etcd's, which also sends revisions in separate responses — so a watcher catching
 * up on a long history never receives one giant message. A revision larger than the limit (a big transaction) stays
 * whole unless the watch asked for {@code fragment}s: then it is cut as etcd cuts it, every part but the last marked
 * {@code fragment}, each holding at least one event, so that the client can join them.
 */
final class WatchResponses {

	/** Room for a response's header and flags. */
	private static final int ENVELOPE_BYTES = 64;

	private WatchResponses() {
	}

	/**
	 * @param template the response every part copies (header, watch id), without events
	 * @param limit the size above which a response is split
	 */
	static List<WatchResponse> split(WatchResponse.Builder template, List<WatchEvent> events, long limit,
			boolean fragment) {
		List<WatchResponse> responses = new ArrayList<>();
		List<Event> pending = new ArrayList<>();
		long pendingBytes = 0;
		int i = 0;
		while (i < events.size()) {
			// One revision: the events of one write or transaction.
			long revision = events.get(i).kv().modRevision();
			List<Event> group = new ArrayList<>();
			long groupBytes = 0;
			for (; i < events.size() && events.get(i).kv().modRevision() == revision; i++) {
				Event event = EtcdResponses.event(events.get(i));
				group.add(event);
				groupBytes += sizeInResponse(event);
			}
			if (!pending.isEmpty() && ENVELOPE_BYTES + pendingBytes + groupBytes > limit) {
				responses.add(response(template, pending, false));
				pending = new ArrayList<>();
				pendingBytes = 0;
			}
			if (fragment && ENVELOPE_BYTES + groupBytes > limit) {
				responses.addAll(fragments(template, group, limit));
			}
			else {
				pending.addAll(group);
				pendingBytes += groupBytes;
			}
		}
		if (!pending.isEmpty() || responses.isEmpty()) {
			responses.add(response(template, pending, false));
		}
		return responses;
	}

	/** etcd's cut of one revision: as many events per part as fit, at least one, all parts but the last marked. */
	private static List<WatchResponse> fragments(WatchResponse.Builder template, List<Event> group, long limit) {
		List<WatchResponse> parts = new ArrayList<>();
		List<Event> part = new ArrayList<>();
		long bytes = ENVELOPE_BYTES;
		for (Event event : group) {
			long size = sizeInResponse(event);
			if (!part.isEmpty() && bytes + size > limit) {
				parts.add(response(template, part, true));
				part = new ArrayList<>();
				bytes = ENVELOPE_BYTES;
			}
			part.add(event);
			bytes += size;
		}
		parts.add(response(template, part, false));
		return parts;
	}

	private static WatchResponse response(WatchResponse.Builder template, List<Event> events, boolean fragment) {
		return template.clone().addAllEvents(events).setFragment(fragment).build();
	}

	/** An event's bytes inside a response: its tag, its length and itself. */
	private static long sizeInResponse(Event event) {
		int size = event.getSerializedSize();
		return 1 + CodedOutputStream.computeUInt32SizeNoTag(size) + size;
	}
}
