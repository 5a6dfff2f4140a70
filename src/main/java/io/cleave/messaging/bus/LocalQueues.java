package io.cleave.messaging.bus;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import io.cleave.messaging.MessagingException;
import io.cleave.messaging.transport.Envelope;
import io.cleave.status.Status;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.JsonNode;

/**
 * The queues consumed in this JVM, by name: where the in-process transport delivers, and what the relay feeds.
 */
public final class LocalQueues {

	private final Map<String, LocalQueue> queues = new ConcurrentHashMap<>();

	/** Hands a durable message to the local consumers of its queue. */
	public CompletableFuture<Void> deliver(Envelope envelope) {
		LocalQueue queue = queues.get(envelope.queue());
		if (queue == null) {
			return CompletableFuture.failedFuture(
					new MessagingException(Status.UNAVAILABLE, "No consumer of queue " + envelope.queue() + " here"));
		}
		return queue.offer(envelope);
	}

	/** Calls the local handler of the envelope's queue on this thread, for {@code act}. */
	public JsonNode request(Envelope envelope, Duration timeout) {
		LocalQueue queue = queues.get(envelope.queue());
		if (queue == null) {
			throw new MessagingException(Status.NOT_FOUND, "No handler of " + envelope.queue() + " here");
		}
		return queue.request(envelope, Deadlines.deadline(timeout.toNanos()));
	}

	@Nullable LocalQueue get(String name) {
		return queues.get(name);
	}

	Collection<LocalQueue> all() {
		return queues.values();
	}

	LocalQueue computeIfAbsent(String name, java.util.function.Function<String, LocalQueue> create) {
		return queues.computeIfAbsent(name, create);
	}

	void remove(LocalQueue queue) {
		queues.remove(queue.name(), queue);
	}
}
