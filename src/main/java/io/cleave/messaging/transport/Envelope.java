package io.cleave.messaging.transport;

import java.util.Objects;

import io.cleave.messaging.MessageId;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.node.ObjectNode;

/**
 * A message on its way to one queue.
 *
 * @param id the message's id, shared by the copies a publish makes
 * @param queue the queue it is addressed to: a handler's pattern queue or a subscriber's queue
 * @param topic the topic it was published to; {@code null} for {@code send} and {@code act}
 * @param message the message itself
 */
public record Envelope(MessageId id, String queue, @Nullable String topic, ObjectNode message) {

	public Envelope {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(queue, "queue");
		Objects.requireNonNull(message, "message");
	}
}
