package io.cleave.messaging.inproc;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.cleave.messaging.bus.LocalQueues;
import io.cleave.messaging.transport.Envelope;
import io.cleave.messaging.transport.MessageTransport;

import tools.jackson.databind.JsonNode;

/** Every queue is consumed in this JVM: messages go straight to its local consumers. */
final class InProcessMessageTransport implements MessageTransport {

	private final LocalQueues queues;

	InProcessMessageTransport(LocalQueues queues) {
		this.queues = queues;
	}

	@Override
	public CompletableFuture<Void> deliver(Envelope envelope) {
		return queues.deliver(envelope);
	}

	@Override
	public JsonNode request(Envelope envelope, Duration timeout) {
		return queues.request(envelope, timeout);
	}
}
