package io.cleave.messaging;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.node.ObjectNode;

/** Messages whose handler kept failing: list, inspect, resubmit to their queue, or discard. */
public interface DeadLetters {

	/** Dead letters oldest first, optionally of one queue only. */
	List<DeadLetter> list(@Nullable String queue, int limit);

	Optional<DeadLetter> find(long id);

	/** Puts the message back at the end of its queue, with its id (a handler that already saw it skips it). */
	void resubmit(long id);

	void discard(long id);

	long count();

	/**
	 * A message given up on.
	 *
	 * @param id the dead letter's own id
	 * @param messageId the message's id
	 * @param queue the queue it was taken from
	 * @param message the message
	 * @param attempts deliveries tried
	 * @param error the last failure, as the handler reported it
	 * @param failedAt when it was given up on
	 */
	record DeadLetter(long id, MessageId messageId, String queue, ObjectNode message, int attempts, String error,
			Instant failedAt) {
	}
}
