package io.cleave.messaging.bus;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.cleave.messaging.transport.Envelope;

/** Durable storage of queued messages: written in the sender's transaction, deleted once handled. */
public interface Outbox {

	/** Adds messages in the caller's transaction, if any. */
	void append(List<Envelope> envelopes);

	/** Claims up to {@code max} unclaimed messages of {@code queue} for {@code node}, oldest first. */
	List<Queued> claim(String queue, String node, int max);

	/** Deletes delivered messages. */
	void remove(Collection<Long> seqs);

	/** Hands messages back, for this node or another to claim again. */
	void unclaim(Collection<Long> seqs);

	/** Hands back everything {@code node} had claimed: called at start, when nothing of it can be in flight. */
	int releaseClaims(String node);

	/** The nodes holding claims on messages now. */
	Set<String> claimants();

	/** Messages waiting per queue, claimed or not. */
	Map<String, Long> depths();

	/**
	 * A message in the outbox.
	 *
	 * @param seq its row
	 * @param envelope the message and its queue
	 */
	record Queued(long seq, Envelope envelope) {
	}
}
