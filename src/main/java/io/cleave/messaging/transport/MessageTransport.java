package io.cleave.messaging.transport;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import tools.jackson.databind.JsonNode;

/**
 * How pattern messages reach the node that consumes their queue: in this JVM, or (later) through RabbitMQ or Kafka.
 * Chosen by {@code cleave.transport.messaging}.
 */
public interface MessageTransport {

	/**
	 * Hands a durable message to its queue's consumers. The future completes when the transport no longer needs the
	 * sender's copy: in this JVM once the message was handled or dead-lettered, on a broker once the broker holds it.
	 * Until then the sender keeps it in its outbox; a future that fails makes it try again later.
	 */
	CompletableFuture<Void> deliver(Envelope envelope);

	/**
	 * Asks the handler consuming {@code envelope.queue()} for its reply, within {@code timeout}.
	 *
	 * @throws io.cleave.status.StatusException as the handler threw it, or DEADLINE_EXCEEDED, NOT_FOUND, INTERNAL
	 */
	JsonNode request(Envelope envelope, Duration timeout);
}
