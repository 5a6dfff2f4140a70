package io.cleave.messaging.bus;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.cleave.messaging.MessageHandler;
import io.cleave.messaging.MessagingException;
import io.cleave.messaging.MessagingProperties;
import io.cleave.messaging.Pattern;
import io.cleave.messaging.transport.Envelope;
import io.cleave.status.Status;
import io.cleave.status.StatusException;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.task.TaskExecutor;
import org.springframework.integration.channel.QueueChannel;
import org.springframework.integration.support.MessageBuilder;
import org.springframework.messaging.Message;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.transaction.support.TransactionTemplate;

import tools.jackson.databind.JsonNode;

/**
 * One durable queue as this node consumes it: a bounded Spring Integration {@link QueueChannel} of the messages
 * claimed for it, drained by competing consumers on an executor. A failed message goes back into the channel after
 * an exponentially growing pause; after the last attempt it becomes a dead letter.
 */
final class LocalQueue {

	private static final Logger log = LoggerFactory.getLogger(LocalQueue.class);

	private static final long RECEIVE_TIMEOUT_MILLIS = 200;

	private final String name;

	private final @Nullable String topic;

	private final @Nullable Pattern pattern;

	private final QueueChannel channel;

	private final List<Consumer> consumers = new CopyOnWriteArrayList<>();

	private final Services services;

	private final Meters meters;

	private volatile boolean enabled;

	private volatile boolean closed;

	LocalQueue(String name, @Nullable String topic, @Nullable Pattern pattern, boolean enabled, Services services) {
		this.name = name;
		this.topic = topic;
		this.pattern = pattern;
		this.enabled = enabled;
		this.services = services;
		this.channel = new QueueChannel(services.properties().queue().buffer());
		this.channel.setBeanName("cleave.messaging.queue." + name);
		this.meters = new Meters(name, services);
	}

	/** What every queue of a node shares. */
	record Services(Messages messages, MessagingProperties properties, TransactionTemplate transactions,
			ProcessedMessages processed, DeadLetterStore deadLetters, Outbox outbox, TaskExecutor executor,
			TaskScheduler scheduler, MeterRegistry meters, MessageTracing tracing) {
	}

	String name() {
		return name;
	}

	@Nullable String topic() {
		return topic;
	}

	@Nullable Pattern pattern() {
		return pattern;
	}

	boolean enabled() {
		return enabled && !closed && !consumers.isEmpty();
	}

	void enabled(boolean enabled) {
		this.enabled = enabled;
	}

	boolean hasConsumers() {
		return !consumers.isEmpty();
	}

	/** Starts {@code properties.queue.consumers} consumers calling {@code handler}. */
	Consumer addConsumer(MessageHandler handler) {
		Consumer consumer = new Consumer(handler);
		consumers.add(consumer);
		for (int i = 0; i < services.properties().queue().consumers(); i++) {
			services.executor().execute(consumer::run);
		}
		return consumer;
	}

	/** Stops {@code consumer}; when it was the last one, messages still buffered go back to the outbox. */
	void removeConsumer(Consumer consumer) {
		consumer.running = false;
		consumers.remove(consumer);
		if (consumers.isEmpty()) {
			closed = true;
			for (Message<?> left : channel.clear()) {
				((Delivery) left.getPayload()).done().completeExceptionally(
						new MessagingException(Status.UNAVAILABLE, "queue " + name + " has no consumer left"));
			}
		}
	}

	/** Stops every consumer (the node is stopping); messages not yet handled stay claimed until the next start. */
	void close() {
		closed = true;
		consumers.forEach(consumer -> consumer.running = false);
	}

	/** Buffers a claimed message; the future completes once it was handled or dead-lettered. */
	CompletableFuture<Void> offer(Envelope envelope) {
		var done = new CompletableFuture<Void>();
		if (closed) {
			done.completeExceptionally(new MessagingException(Status.UNAVAILABLE, "queue " + name + " is closed"));
			return done;
		}
		channel.send(MessageBuilder.withPayload(new Delivery(envelope, 1, done)).build());
		return done;
	}

	/** Calls the queue's handler on this thread for {@code act}, within {@code deadline} (a {@code nanoTime}). */
	JsonNode request(Envelope envelope, long deadline) {
		Consumer consumer = consumers.isEmpty() ? null : consumers.getFirst();
		if (consumer == null) {
			throw new MessagingException(Status.UNAVAILABLE, "No handler consumes " + name);
		}
		long start = System.nanoTime();
		try {
			Object reply = Deadlines.within(deadline, name, () -> services.tracing().consuming(envelope, "act",
					() -> consumer.handler.handle(envelope.message())));
			JsonNode json = services.messages().toReply(reply);
			meters.actSucceeded.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
			return json;
		}
		catch (StatusException ex) {
			meters.actFailed.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
			throw ex;
		}
		catch (Exception ex) {
			meters.actFailed.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
			// the cause stays with the exception (and the logs): the message is for callers, who need no internals
			throw new MessagingException(Status.INTERNAL, "The handler of " + name + " failed", ex);
		}
	}

	/** A message buffered for a consumer, at its {@code attempt}-th delivery. */
	record Delivery(Envelope envelope, int attempt, CompletableFuture<Void> done) {
	}

	/** Handlers sharing the queue's channel. */
	final class Consumer {

		private final MessageHandler handler;

		private volatile boolean running = true;

		Consumer(MessageHandler handler) {
			this.handler = handler;
		}

		void run() {
			while (running) {
				if (!enabled) {
					pause();
					continue;
				}
				Message<?> message = channel.receive(RECEIVE_TIMEOUT_MILLIS);
				if (message != null) {
					process((Delivery) message.getPayload());
				}
			}
		}

		private void pause() {
			try {
				Thread.sleep(RECEIVE_TIMEOUT_MILLIS); // a disabled queue is rare and resuming it is not urgent
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				running = false;
			}
		}

		private void process(Delivery delivery) {
			Envelope envelope = delivery.envelope();
			long start = System.nanoTime();
			try {
				services.transactions().executeWithoutResult(transaction -> {
					if (services.processed().markProcessed(name, envelope.id())) {
						try {
							services.tracing().consuming(envelope, "queue", () -> handler.handle(envelope.message()));
						}
						catch (RuntimeException ex) {
							throw ex;
						}
						catch (Exception ex) {
							throw new HandlerFailure(ex);
						}
					}
					else {
						meters.duplicates.increment();
					}
				});
				meters.succeeded.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
				delivery.done().complete(null);
			}
			catch (RuntimeException ex) {
				meters.failed.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
				failed(delivery, ex instanceof HandlerFailure failure ? failure.getCause() : ex);
			}
		}
	}

	/** The error flow: retry after a growing pause, then dead-letter. */
	private void failed(Delivery delivery, Throwable failure) {
		MessagingProperties.Redelivery redelivery = services.properties().redelivery();
		Envelope envelope = delivery.envelope();
		if (delivery.attempt() < redelivery.maxAttempts() && !closed) {
			Duration pause = backoff(redelivery, delivery.attempt());
			log.debug("Message {} of queue {} failed (attempt {}), retrying in {}: {}", envelope.id(), name,
					delivery.attempt(), pause, describe(failure));
			meters.redeliveries.increment();
			Delivery next = new Delivery(envelope, delivery.attempt() + 1, delivery.done());
			services.scheduler().schedule(() -> redeliver(next), services.scheduler().getClock().instant().plus(pause));
			return;
		}
		try {
			services.deadLetters().add(envelope, delivery.attempt(), describe(failure));
			meters.deadLettered.increment();
			log.warn("Message {} of queue {} dead-lettered after {} attempts: {}", envelope.id(), name,
					delivery.attempt(), describe(failure));
			delivery.done().complete(null);
		}
		catch (RuntimeException ex) {
			delivery.done().completeExceptionally(ex); // stays in the outbox and comes back later
		}
	}

	private void redeliver(Delivery next) {
		if (closed) {
			next.done().completeExceptionally(new MessagingException(Status.UNAVAILABLE, "queue " + name + " is closed"));
			return;
		}
		channel.send(MessageBuilder.withPayload(next).build());
	}

	static Duration backoff(MessagingProperties.Redelivery redelivery, int attempt) {
		Duration pause = redelivery.initialBackoff();
		for (int i = 1; i < attempt && pause.compareTo(redelivery.maxBackoff()) < 0; i++) {
			pause = pause.multipliedBy(2);
		}
		return pause.compareTo(redelivery.maxBackoff()) > 0 ? redelivery.maxBackoff() : pause;
	}

	static String describe(Throwable failure) {
		String message = failure.getMessage();
		String text = message == null ? failure.getClass().getName() : failure.getClass().getSimpleName() + ": " + message;
		return text.length() > 2000 ? text.substring(0, 2000) : text;
	}

	/** A checked exception from a handler, carried out of the transaction callback. */
	private static final class HandlerFailure extends RuntimeException {

		HandlerFailure(Exception cause) {
			super(cause);
		}
	}

	/** Per-queue meters: calls, failures and latency per pattern, redeliveries and dead letters per queue. */
	private static final class Meters {

		final Timer actSucceeded;

		final Timer actFailed;

		final Timer succeeded;

		final Timer failed;

		final Counter redeliveries;

		final Counter deadLettered;

		final Counter duplicates;

		Meters(String queue, Services services) {
			MeterRegistry registry = services.meters();
			Gauge.builder("cleave.messaging.queue.depth", services.outbox(), outbox -> outbox.depths().getOrDefault(queue, 0L))
					.description("Messages waiting in the queue, those being handled included")
					.tag("queue", queue)
					.register(registry);
			actSucceeded = handlerTimer(registry, queue, "act", "success");
			actFailed = handlerTimer(registry, queue, "act", "failure");
			succeeded = handlerTimer(registry, queue, "queue", "success");
			failed = handlerTimer(registry, queue, "queue", "failure");
			redeliveries = Counter.builder("cleave.messaging.queue.redeliveries")
					.description("Deliveries retried after the handler failed")
					.tag("queue", queue)
					.register(registry);
			deadLettered = Counter.builder("cleave.messaging.queue.dead.lettered")
					.description("Messages given up on after their last attempt")
					.tag("queue", queue)
					.register(registry);
			duplicates = Counter.builder("cleave.messaging.queue.duplicates")
					.description("Deliveries skipped because the handler had processed the message id already")
					.tag("queue", queue)
					.register(registry);
		}

		private static Timer handlerTimer(MeterRegistry registry, String queue, String mode, String outcome) {
			return Timer.builder("cleave.messaging.handler")
					.description("Handler calls per pattern or subscriber queue: count, failures (outcome) and latency")
					.tags("queue", queue, "mode", mode, "outcome", outcome)
					.register(registry);
		}
	}
}
