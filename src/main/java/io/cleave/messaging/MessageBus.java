package io.cleave.messaging;

import java.time.Duration;

import tools.jackson.databind.JsonNode;

/**
 * Pattern-routed messaging: a message is a JSON object (or a record turned into one) routed by its properties to the
 * most specific registered pattern; go-nano's {@code "Pattern":"role:math,cmd:sum"} property is read as properties too.
 * <ul>
 * <li>{@link #act} — request/reply to the one matching handler, within a deadline, at most once;</li>
 * <li>{@link #send} — one matching handler, durable, at least once, handled once per message id;</li>
 * <li>{@link #publish} — every subscriber of a topic, each through its own durable queue.</li>
 * </ul>
 * {@code send} and {@code publish} called inside a transaction are recorded with it and delivered only after it
 * commits; they throw nothing about delivery, whose failures are retried and then dead-lettered.
 */
public interface MessageBus {

	/**
	 * Routes {@code message} to the most specific matching handler and waits for its reply.
	 *
	 * @param message a JSON object node, a record or a map
	 * @param deadline how long the caller waits; a nested {@code act} made by the handler inherits what is left
	 * @return the handler's reply as JSON ({@code {}} when it returned nothing)
	 * @throws MessagingException NOT_FOUND when no pattern matches, INVALID_ARGUMENT when the message is no JSON
	 *     object, DEADLINE_EXCEEDED when the reply did not come in time, the handler's own {@code StatusException}
	 *     as thrown, INTERNAL for any other handler failure
	 */
	JsonNode act(Object message, Duration deadline);

	/** {@link #act(Object, Duration)} with {@code cleave.messaging.act-timeout} as the deadline. */
	JsonNode act(Object message);

	/** {@link #act(Object, Duration)}, the reply converted to {@code replyType}. */
	<R> R act(Object message, Class<R> replyType, Duration deadline);

	/**
	 * Queues {@code message} for the one handler whose pattern matches it best.
	 *
	 * @return the message's id, which the handler sees once however often it is delivered
	 * @throws MessagingException NOT_FOUND when no pattern matches, INVALID_ARGUMENT when the message is no object
	 */
	MessageId send(Object message);

	/**
	 * {@link #send(Object)} with an id chosen by the caller (an idempotency key): sending the same id twice reaches
	 * the handler once.
	 */
	MessageId send(MessageId id, Object message);

	/**
	 * Queues a copy of {@code message} for every subscriber of {@code topic}, each in its own durable queue.
	 *
	 * @return the message's id, shared by every copy
	 * @throws MessagingException INVALID_ARGUMENT when the message is no JSON object
	 */
	MessageId publish(String topic, Object message);

	/**
	 * Registers a handler for {@code act} and {@code send} messages matching {@code pattern} (go-nano form,
	 * {@code "role:math,cmd:sum"}), consumed from the queue named after the pattern.
	 *
	 * @throws MessagingException ALREADY_EXISTS when this node already has a handler for the same pattern
	 */
	Registration handle(String pattern, MessageHandler handler);

	/**
	 * Subscribes {@code handler} to {@code topic} through the durable queue named {@code queue}; registering the
	 * same queue again adds a competing consumer to it.
	 */
	Registration subscribe(String topic, String queue, MessageHandler handler);
}
