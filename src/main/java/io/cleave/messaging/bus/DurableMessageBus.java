package io.cleave.messaging.bus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;

import io.cleave.messaging.MessageBus;
import io.cleave.messaging.MessageHandler;
import io.cleave.messaging.MessageId;
import io.cleave.messaging.MessageQueues;
import io.cleave.messaging.MessagingException;
import io.cleave.messaging.MessagingProperties;
import io.cleave.messaging.Pattern;
import io.cleave.messaging.PatternRouter;
import io.cleave.messaging.Registration;
import io.cleave.messaging.routing.PatternRoute;
import io.cleave.messaging.routing.PatternTable;
import io.cleave.messaging.transport.Envelope;
import io.cleave.messaging.transport.MessageTransport;
import io.cleave.status.Status;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The message bus over durable queues: {@code act} goes straight to the transport, {@code send} and {@code publish}
 * write to the outbox in the caller's transaction and wake the relay once it commits.
 */
final class DurableMessageBus implements MessageBus, MessageQueues, AutoCloseable {

	private final Messages messages;

	private final MessageTransport transport;

	private final Outbox outbox;

	private final Relay relay;

	private final LocalQueues queues;

	private final QueueStates states;

	private final LocalQueue.Services services;

	private final Duration actTimeout;

	private final PatternTable table;

	private final MessageTracing tracing;

	/** This node's handlers: routed by at once, while the registry's table catches up with them. */
	private final PatternRouter<Pattern> patterns = PatternRouter.create();

	private final Map<String, Set<String>> subscribers = new ConcurrentHashMap<>();

	DurableMessageBus(Messages messages, MessageTransport transport, Outbox outbox, Relay relay, LocalQueues queues,
			QueueStates states, PatternTable table, LocalQueue.Services services, MessagingProperties properties) {
		this.table = table;
		this.messages = messages;
		this.transport = transport;
		this.outbox = outbox;
		this.relay = relay;
		this.queues = queues;
		this.states = states;
		this.services = services;
		this.actTimeout = properties.actTimeout();
		this.tracing = services.tracing();
	}

	@Override
	public JsonNode act(Object message, Duration deadline) {
		ObjectNode body = messages.toObject(message);
		String queue = route(body);
		return tracing.producing("act", queue,
				headers -> transport.request(new Envelope(MessageId.random(), queue, null, body, headers), deadline));
	}

	@Override
	public JsonNode act(Object message) {
		return act(message, actTimeout);
	}

	@Override
	public <R> R act(Object message, Class<R> replyType, Duration deadline) {
		return messages.convert(act(message, deadline), replyType);
	}

	@Override
	public MessageId send(Object message) {
		return send(MessageId.random(), message);
	}

	@Override
	public MessageId send(MessageId id, Object message) {
		ObjectNode body = messages.toObject(message);
		String queue = route(body);
		return tracing.producing("send", queue, headers -> {
			enqueue(List.of(new Envelope(id, queue, null, body, headers)));
			return id;
		});
	}

	@Override
	public MessageId publish(String topic, Object message) {
		ObjectNode body = messages.toObject(message);
		MessageId id = MessageId.random();
		return tracing.producing("publish", topic, headers -> {
			List<Envelope> copies = subscribers.getOrDefault(topic, Set.of()).stream()
					.sorted()
					.map(queue -> new Envelope(id, queue, topic, body, headers))
					.toList();
			if (!copies.isEmpty()) {
				enqueue(copies);
			}
			return id;
		});
	}

	@Override
	public Registration handle(String pattern, MessageHandler handler) {
		Pattern parsed;
		try {
			parsed = Pattern.parse(pattern);
		}
		catch (IllegalArgumentException ex) {
			throw new MessagingException(Status.INVALID_ARGUMENT, ex.getMessage());
		}
		String queue = parsed.toString();
		synchronized (patterns) {
			if (patterns.findExact(parsed.properties()) != null) {
				throw new MessagingException(Status.ALREADY_EXISTS, "This node already has a handler for " + queue);
			}
			patterns.add(parsed, parsed);
		}
		Registration registration = register(queue, null, parsed, handler);
		table.advertise(parsed, queue);
		return new Registration() {

			@Override
			public String queue() {
				return queue;
			}

			@Override
			public void close() {
				table.withdraw(parsed);
				synchronized (patterns) {
					patterns.remove(parsed);
				}
				registration.close();
			}
		};
	}

	@Override
	public Registration subscribe(String topic, String queue, MessageHandler handler) {
		if (topic.isBlank() || queue.isBlank()) {
			throw new MessagingException(Status.INVALID_ARGUMENT, "A subscription needs a topic and a queue name");
		}
		LocalQueue existing = queues.get(queue);
		if (existing != null && !topic.equals(existing.topic())) {
			throw new MessagingException(Status.ALREADY_EXISTS, "Queue " + queue + " is taken by "
					+ (existing.topic() == null ? "pattern " + existing.pattern() : "topic " + existing.topic()));
		}
		subscribers.computeIfAbsent(topic, name -> new CopyOnWriteArraySet<>()).add(queue);
		return register(queue, topic, null, handler);
	}

	private Registration register(String name, String topic, Pattern pattern, MessageHandler handler) {
		Set<String> disabled = states.disabled();
		LocalQueue queue = queues.computeIfAbsent(name,
				key -> new LocalQueue(key, topic, pattern, !disabled.contains(key), services));
		LocalQueue.Consumer consumer = queue.addConsumer(handler);
		relay.wake(name);
		return new Registration() {

			@Override
			public String queue() {
				return name;
			}

			@Override
			public void close() {
				queue.removeConsumer(consumer);
				if (!queue.hasConsumers()) {
					queues.remove(queue);
				}
			}
		};
	}

	/**
	 * The queue of the most specific pattern matching {@code body}, on this node or any other: the registry's table
	 * knows every node's patterns, this node's own router knows its latest ones before the table's watch delivers
	 * them. Of two different matches the one with more properties wins, as in the router itself.
	 */
	private String route(ObjectNode body) {
		Map<String, String> subject = Messages.subject(body);
		Pattern local = patterns.find(subject);
		PatternRoute remote = table.route(subject).orElse(null);
		if (remote != null && (local == null || remote.pattern().size() > local.size())) {
			return remote.queue();
		}
		if (local == null) {
			throw new MessagingException(Status.NOT_FOUND, "No handler matches " + new TreeMap<>(subject));
		}
		return local.toString();
	}

	private void enqueue(List<Envelope> envelopes) {
		outbox.append(envelopes);
		Runnable wake = () -> envelopes.forEach(envelope -> relay.wake(envelope.queue()));
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

				@Override
				public void afterCommit() {
					wake.run();
				}
			});
		}
		else {
			wake.run();
		}
	}

	/** Stops the consumers of every queue when the node stops (Spring calls it; the handlers' beans are still up). */
	@Override
	public void close() {
		queues.all().forEach(LocalQueue::close);
	}

	@Override
	public List<QueueInfo> list() {
		Map<String, Long> depths = outbox.depths();
		List<QueueInfo> infos = new ArrayList<>();
		for (LocalQueue queue : queues.all()) {
			infos.add(info(queue, depths));
		}
		infos.sort(Comparator.comparing(QueueInfo::name));
		return infos;
	}

	@Override
	public QueueInfo disable(String queue) {
		return toggle(queue, false);
	}

	@Override
	public QueueInfo enable(String queue) {
		return toggle(queue, true);
	}

	private QueueInfo toggle(String name, boolean enabled) {
		LocalQueue queue = queues.get(name);
		if (queue == null) {
			throw new MessagingException(Status.NOT_FOUND, "No queue named " + name + " is consumed here");
		}
		states.setEnabled(name, enabled);
		queue.enabled(enabled);
		relay.wake(name);
		return info(queue, outbox.depths());
	}

	private static QueueInfo info(LocalQueue queue, Map<String, Long> depths) {
		return new QueueInfo(queue.name(), queue.topic(), queue.enabled(), depths.getOrDefault(queue.name(), 0L));
	}
}
