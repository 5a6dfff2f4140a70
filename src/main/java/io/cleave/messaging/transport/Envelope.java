package io.cleave.messaging.transport;

import java.util.Map;
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
 * @param headers what travels beside the message, lower-case names: the sender's trace context ({@code traceparent},
 *     {@code tracestate}), so that its handler runs in the same trace, after the outbox and across brokers alike
 */
public record Envelope(MessageId id, String queue, @Nullable String topic, ObjectNode message,
		Map<String, String> headers) {

	public Envelope {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(queue, "queue");
		Objects.requireNonNull(message, "message");
		headers = Map.copyOf(headers);
	}

	/** An envelope without headers. */
	public Envelope(MessageId id, String queue, @Nullable String topic, ObjectNode message) {
		this(id, queue, topic, message, Map.of());
	}
}
