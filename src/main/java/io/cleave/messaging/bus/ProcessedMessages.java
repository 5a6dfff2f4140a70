package io.cleave.messaging.bus;

import java.time.Instant;

import io.cleave.messaging.MessageId;

/** The message ids each queue's handler has processed, so that a redelivery is recognised across restarts. */
public interface ProcessedMessages {

	/**
	 * Records {@code id} as processed by {@code queue}'s handler, in the caller's transaction.
	 *
	 * @return {@code false} if it was already recorded: the message is a duplicate
	 */
	boolean markProcessed(String queue, MessageId id);

	/**
	 * Forgets up to {@code limit} ids recorded before {@code cutoff}, in a transaction of its own.
	 *
	 * @return how many were forgotten: fewer than {@code limit} means none older is left
	 */
	int forgetProcessedBefore(Instant cutoff, int limit);
}
