package io.cleave.messaging.bus;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

import io.cleave.messaging.transport.Envelope;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.observation.transport.SenderContext;

/**
 * Carries the trace of whoever sends a message to whoever handles it: the sending side is observed as a producer
 * whose trace context the tracer writes into the envelope's headers (persisted with it in the outbox), the handling
 * side as a consumer whose parent the tracer reads back from them. Without a tracer both are no-ops.
 */
final class MessageTracing {

	/** Observation (span) of a {@code send}, {@code publish} or {@code act} leaving this node's code. */
	static final String PRODUCER = "cleave.messaging.producer";

	/** Observation (span) of a handler's run. */
	static final String CONSUMER = "cleave.messaging.consumer";

	private final ObservationRegistry registry;

	MessageTracing(ObservationRegistry registry) {
		this.registry = registry;
	}

	/**
	 * Runs {@code send} inside a producer observation of {@code operation} to {@code destination}, handing it the
	 * headers to put on the envelopes: the current trace context, as the tracer propagates it.
	 */
	<T> T producing(String operation, String destination, Function<Map<String, String>, T> send) {
		if (registry.isNoop()) {
			return send.apply(Map.of());
		}
		Map<String, String> headers = new HashMap<>(4);
		SenderContext<Map<String, String>> context = new SenderContext<>(Map::put,
				"act".equals(operation) ? Kind.CLIENT : Kind.PRODUCER);
		context.setCarrier(headers);
		Observation observation = Observation.createNotStarted(PRODUCER, () -> context, registry)
				.contextualName(operation + " " + destination)
				.lowCardinalityKeyValue("messaging.system", "cleave")
				.lowCardinalityKeyValue("messaging.operation", operation)
				.highCardinalityKeyValue("messaging.destination", destination)
				.start();
		try (Observation.Scope scope = observation.openScope()) {
			return send.apply(headers);
		}
		catch (RuntimeException | Error failure) {
			observation.error(failure);
			throw failure;
		}
		finally {
			observation.stop();
		}
	}

	/** Runs {@code handler} on {@code envelope} inside a consumer observation continuing the sender's trace. */
	<T> T consuming(Envelope envelope, String mode, HandlerRun<T> handler) throws Exception {
		if (registry.isNoop()) {
			return handler.run();
		}
		ReceiverContext<Envelope> context = new ReceiverContext<>((carrier, key) -> carrier.headers().get(key),
				"act".equals(mode) ? Kind.SERVER : Kind.CONSUMER);
		context.setCarrier(envelope);
		Observation observation = Observation.createNotStarted(CONSUMER, () -> context, registry)
				.contextualName("handle " + envelope.queue())
				.lowCardinalityKeyValue("messaging.system", "cleave")
				.lowCardinalityKeyValue("messaging.operation", mode)
				.highCardinalityKeyValue("messaging.destination", envelope.queue())
				.start();
		try (Observation.Scope scope = observation.openScope()) {
			return handler.run();
		}
		catch (Exception | Error failure) {
			observation.error(failure);
			throw failure;
		}
		finally {
			observation.stop();
		}
	}

	/** A handler's run, which may throw what the handler throws. */
	interface HandlerRun<T> {

		T run() throws Exception;
	}
}
