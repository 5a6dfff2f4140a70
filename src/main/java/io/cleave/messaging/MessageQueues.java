package io.cleave.messaging;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The durable queues this node consumes: list them, and pause or resume a subscriber without losing what is queued
 * for it meanwhile.
 */
public interface MessageQueues {

	List<QueueInfo> list();

	/** Stops delivery from {@code queue}; messages keep queueing for it. @throws MessagingException NOT_FOUND */
	QueueInfo disable(String queue);

	/** Resumes delivery from {@code queue}, oldest waiting message first. @throws MessagingException NOT_FOUND */
	QueueInfo enable(String queue);

	/**
	 * A queue as this node sees it.
	 *
	 * @param name the queue's name: a subscriber's name, or the canonical pattern of a handler
	 * @param topic the topic it subscribes to; {@code null} for a pattern handler's queue
	 * @param enabled whether its messages are delivered
	 * @param depth messages waiting in it, those being handled included
	 */
	record QueueInfo(String name, @Nullable String topic, boolean enabled, long depth) {
	}
}
