package io.cleave.messaging;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.CountDownLatch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.cleave.messaging.bus.Outbox;
import io.cleave.messaging.routing.PatternTable;
import io.cleave.registry.ServiceInstance;
import io.cleave.registry.ServiceRegistry;
import io.cleave.status.Status;
import io.cleave.status.StatusException;
import io.cleave.testing.FreshDataDirectory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The bus in one JVM on H2: act, send and publish, durable queues, retries, dead letters, queues switched off and on. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
		"cleave.registry.etcd-api.port=0",
		"cleave.messaging.redelivery.max-attempts=3",
		"cleave.messaging.redelivery.initial-backoff=20ms",
		"cleave.messaging.redelivery.max-backoff=40ms",
		"cleave.messaging.queue.poll-interval=200ms",
		// Claims of a node gone from the registry are released after the instance TTL.
		"cleave.registry.instance-ttl=2s" })
@Import(MessageBusTests.Handlers.class)
class MessageBusTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@Autowired
	MessageBus bus;

	@Autowired
	MessageQueues queues;

	@Autowired
	DeadLetters deadLetters;

	@Autowired
	PlatformTransactionManager transactions;

	@Autowired
	Recorder recorder;

	private final List<Registration> registrations = new ArrayList<>();

	@DynamicPropertySource
	static void freshDataDirectory(DynamicPropertyRegistry registry) {
		FreshDataDirectory.register(registry, "cleave-message-bus-");
	}

	@AfterEach
	void unregister() {
		registrations.forEach(Registration::close);
	}

	record Positive(int Value) {
	}

	record Answer(boolean Result) {
	}

	/** Handlers declared the annotated way, as a module would. */
	static class TestHandlers {

		private final Recorder recorder;

		TestHandlers(Recorder recorder) {
			this.recorder = recorder;
		}

		@TopicSubscriber(topic = "alerts", queue = "pager")
		void page(JsonNode alert) {
			recorder.saw("pager", alert);
		}

		@PatternHandler("role:test,cmd:positive")
		Answer positive(Positive request) {
			return new Answer(request.Value() > 0);
		}

		@PatternHandler("role:test,cmd:positive,strict:true")
		Answer strictlyPositive(ObjectNode request) {
			return new Answer(request.path("Value").asInt() > 1);
		}

		@PatternHandler("role:test,cmd:refuse")
		void refuse() {
			throw new StatusException(Status.PERMISSION_DENIED, "not you");
		}
	}

	/** What queue handlers saw, shared with the tests. */
	static class Recorder {

		final Map<String, List<String>> seen = new ConcurrentHashMap<>();

		void saw(String queue, JsonNode message) {
			seen.computeIfAbsent(queue, key -> new CopyOnWriteArrayList<>()).add(message.path("n").asString());
		}

		List<String> seenBy(String queue) {
			return seen.getOrDefault(queue, List.of());
		}
	}

	@TestConfiguration
	static class Handlers {

		@Bean
		TestHandlers testHandlers(Recorder recorder) {
			return new TestHandlers(recorder);
		}

		@Bean
		Recorder recorder() {
			return new Recorder();
		}
	}

	@Test
	void actAnswersFromTheHandlerWhateverTheOrderOfTheGoNanoPatternPairs() {
		assertThat(bus.act(Map.of("Pattern", "role:test,cmd:positive", "Value", 1)).toString())
				.isEqualTo("{\"Result\":true}");
		assertThat(bus.act(Map.of("Pattern", "cmd:positive,role:test", "Value", -1)).toString())
				.isEqualTo("{\"Result\":false}");
		assertThat(bus.act(Map.of("role", "test", "cmd", "positive", "Value", 3), Answer.class, Duration.ofSeconds(1))
				.Result()).isTrue();
	}

	@Test
	void actPicksTheMostSpecificMatchingPattern() {
		assertThat(bus.act(Map.of("Pattern", "role:test,cmd:positive,strict:true", "Value", 1)).path("Result")
				.asBoolean()).isFalse();
		assertThat(bus.act(Map.of("Pattern", "role:test,cmd:positive", "Value", 1)).path("Result").asBoolean())
				.isTrue();
	}

	@Test
	void actWithoutAMatchingPatternFailsWithNotFound() {
		assertThatThrownBy(() -> bus.act(Map.of("role", "nobody", "cmd", "nothing")))
				.isInstanceOfSatisfying(MessagingException.class,
						ex -> assertThat(ex.status()).isEqualTo(Status.NOT_FOUND));
	}

	@Test
	void aMessageThatIsNoJsonObjectIsRejected() {
		assertThatThrownBy(() -> bus.act(List.of(1, 2)))
				.isInstanceOfSatisfying(MessagingException.class,
						ex -> assertThat(ex.status()).isEqualTo(Status.INVALID_ARGUMENT));
		assertThatThrownBy(() -> bus.send(Map.of("Pattern", "role")))
				.isInstanceOfSatisfying(MessagingException.class,
						ex -> assertThat(ex.status()).isEqualTo(Status.INVALID_ARGUMENT));
	}

	@Test
	void aHandlersStatusExceptionReachesTheCallerAsItIsAndAnyOtherFailureAsInternal() {
		assertThatThrownBy(() -> bus.act(Map.of("role", "test", "cmd", "refuse")))
				.isInstanceOfSatisfying(StatusException.class, ex -> {
					assertThat(ex.status()).isEqualTo(Status.PERMISSION_DENIED);
					assertThat(ex).hasMessage("not you");
				});
		registrations.add(bus.handle("role:test,cmd:crash", message -> {
			throw new IllegalStateException("boom");
		}));
		assertThatThrownBy(() -> bus.act(Map.of("role", "test", "cmd", "crash")))
				.isInstanceOfSatisfying(MessagingException.class, ex -> {
					assertThat(ex.status()).isEqualTo(Status.INTERNAL);
					assertThat(ex).hasRootCauseMessage("boom");
				});
	}

	@Test
	void actGivesUpAtTheDeadlineAndANestedActInheritsWhatIsLeft() {
		registrations.add(bus.handle("role:test,cmd:slow", message -> {
			new CountDownLatch(1).await(); // never released: act's deadline interrupts it
			return null;
		}));
		registrations.add(bus.handle("role:test,cmd:relay", message -> bus.act(Map.of("role", "test", "cmd", "slow"),
				Duration.ofMinutes(1))));

		long start = System.nanoTime();
		assertThatThrownBy(() -> bus.act(Map.of("role", "test", "cmd", "relay"), Duration.ofMillis(200)))
				.isInstanceOfSatisfying(MessagingException.class,
						ex -> assertThat(ex.status()).isEqualTo(Status.DEADLINE_EXCEEDED));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
	}

	@Test
	void aHandlersPatternIsAdvertisedInTheRegistryAndWithdrawnWithIt(@Autowired PatternTable table) {
		Registration registration = bus.handle("role:test,cmd:advertised", message -> null);
		await().atMost(WAIT).until(() -> table.routes().stream()
				.anyMatch(route -> route.queue().equals("cmd:advertised,role:test") && route.servedBy("cleave-1")));

		registration.close();
		await().atMost(WAIT).until(() -> table.routes().stream()
				.noneMatch(route -> route.queue().equals("cmd:advertised,role:test")));
		assertThatThrownBy(() -> bus.act(Map.of("role", "test", "cmd", "advertised")))
				.isInstanceOfSatisfying(MessagingException.class,
						ex -> assertThat(ex.status()).isEqualTo(Status.NOT_FOUND));
	}

	@Test
	void aSecondHandlerForTheSamePatternIsRefused() {
		registrations.add(bus.handle("role:test,cmd:twice", message -> null));
		assertThatThrownBy(() -> bus.handle("cmd:twice,role:test", message -> null))
				.isInstanceOfSatisfying(MessagingException.class,
						ex -> assertThat(ex.status()).isEqualTo(Status.ALREADY_EXISTS));
	}

	@Test
	void sendReachesTheHandlerOnlyAfterTheTransactionCommits() {
		registrations.add(bus.handle("role:test,cmd:record", message -> {
			recorder.saw("record", message);
			return null;
		}));
		var transaction = new TransactionTemplate(transactions);

		transaction.executeWithoutResult(status -> {
			bus.send(Map.of("role", "test", "cmd", "record", "n", "rolled-back"));
			status.setRollbackOnly();
		});
		transaction.executeWithoutResult(status -> {
			bus.send(Map.of("role", "test", "cmd", "record", "n", "committed"));
			assertThat(recorder.seenBy("record")).doesNotContain("committed");
		});

		await().atMost(WAIT).until(() -> recorder.seenBy("record").contains("committed"));
		bus.send(Map.of("role", "test", "cmd", "record", "n", "marker")); // queued after, so delivered after
		await().atMost(WAIT).until(() -> recorder.seenBy("record").contains("marker"));
		assertThat(recorder.seenBy("record")).containsExactly("committed", "marker");
	}

	@Test
	void theSameMessageIdSentTwiceReachesTheHandlerOnce() {
		registrations.add(bus.handle("role:test,cmd:once", message -> {
			recorder.saw("once", message);
			return null;
		}));
		MessageId id = MessageId.random();
		bus.send(id, Map.of("role", "test", "cmd", "once", "n", "first"));
		bus.send(id, Map.of("role", "test", "cmd", "once", "n", "again"));
		bus.send(Map.of("role", "test", "cmd", "once", "n", "other"));

		await().atMost(WAIT).until(() -> recorder.seenBy("once").contains("other"));
		await().atMost(WAIT).until(() -> depth("cmd:once,role:test") == 0);
		// Competing consumers may take either copy first; the handler sees the id once, whichever it was.
		assertThat(recorder.seenBy("once")).hasSize(2).contains("other").containsAnyOf("first", "again");
	}

	@Test
	void aFailingMessageIsRetriedThenDeadLetteredAndResubmittingItDeliversIt() {
		AtomicBoolean healthy = new AtomicBoolean(false);
		AtomicInteger attempts = new AtomicInteger();
		registrations.add(bus.handle("role:test,cmd:flaky", message -> {
			attempts.incrementAndGet();
			if (!healthy.get()) {
				throw new IllegalStateException("database on fire");
			}
			recorder.saw("flaky", message);
			return null;
		}));
		MessageId id = bus.send(Map.of("role", "test", "cmd", "flaky", "n", "hot"));

		DeadLetters.DeadLetter letter = await().atMost(WAIT).until(
				() -> deadLetters.list("cmd:flaky,role:test", 10), list -> !list.isEmpty()).getFirst();
		assertThat(attempts).hasValue(3);
		assertThat(letter.messageId()).isEqualTo(id);
		assertThat(letter.attempts()).isEqualTo(3);
		assertThat(letter.error()).contains("database on fire");
		assertThat(letter.message().path("n").asString()).isEqualTo("hot");
		await().atMost(WAIT).until(() -> depth("cmd:flaky,role:test") == 0);

		healthy.set(true);
		deadLetters.resubmit(letter.id());

		await().atMost(WAIT).until(() -> recorder.seenBy("flaky").contains("hot"));
		assertThat(deadLetters.find(letter.id())).isEmpty();
		assertThatThrownBy(() -> deadLetters.resubmit(letter.id()))
				.isInstanceOfSatisfying(MessagingException.class,
						ex -> assertThat(ex.status()).isEqualTo(Status.NOT_FOUND));
	}

	@Test
	void publishFansOutToEverySubscriberAndCompetingConsumersHandleEachMessageOnce() {
		Map<String, AtomicInteger> billing = new ConcurrentHashMap<>();
		Set<Integer> consumersUsed = ConcurrentHashMap.newKeySet();
		CountDownLatch bothTakingPart = new CountDownLatch(2);
		for (int consumer = 0; consumer < 2; consumer++) {
			int self = consumer;
			registrations.add(bus.subscribe("orders", "billing", message -> {
				if (consumersUsed.add(self)) {
					bothTakingPart.countDown();
				}
				billing.computeIfAbsent(message.path("n").asString(), key -> new AtomicInteger()).incrementAndGet();
				// Each consumer holds its messages until the other has one too: one that never gets a turn shows
				// below, as a missing consumer, instead of being hidden by the other's speed.
				bothTakingPart.await(WAIT.toSeconds(), TimeUnit.SECONDS);
				return null;
			}));
		}
		registrations.add(bus.subscribe("orders", "audit", message -> {
			recorder.saw("audit", message);
			return null;
		}));
		registrations.add(bus.subscribe("invoices", "archive", message -> {
			recorder.saw("archive", message);
			return null;
		}));

		for (int i = 0; i < 200; i++) {
			bus.publish("orders", Map.of("n", String.valueOf(i)));
		}

		await().atMost(WAIT).until(() -> billing.size() == 200 && recorder.seenBy("audit").size() == 200);
		await().atMost(WAIT).until(() -> depth("billing") == 0 && depth("audit") == 0);
		assertThat(billing.values()).allSatisfy(count -> assertThat(count).hasValue(1));
		assertThat(recorder.seenBy("audit")).doesNotHaveDuplicates();
		assertThat(consumersUsed).containsExactlyInAnyOrder(0, 1);
		assertThat(recorder.seenBy("archive")).isEmpty();
	}

	@Test
	void anAnnotatedSubscriberGetsWhatIsPublishedToItsTopic() {
		bus.publish("alerts", Map.of("n", "disk full"));

		await().atMost(WAIT).until(() -> recorder.seenBy("pager").contains("disk full"));
	}

	@Test
	void aDisabledSubscriberKeepsWhatWasPublishedMeanwhileAndGetsItWhenEnabledAgain() {
		registrations.add(bus.subscribe("news", "reader", message -> {
			recorder.saw("reader", message);
			return null;
		}));
		bus.publish("news", Map.of("n", "before"));
		await().atMost(WAIT).until(() -> recorder.seenBy("reader").contains("before"));

		assertThat(queues.disable("reader").enabled()).isFalse();
		for (int i = 0; i < 5; i++) {
			bus.publish("news", Map.of("n", "while-" + i));
		}
		await().atMost(WAIT).until(() -> depth("reader") == 5);
		assertThat(recorder.seenBy("reader")).containsExactly("before");

		assertThat(queues.enable("reader").enabled()).isTrue();
		await().atMost(WAIT).until(() -> recorder.seenBy("reader").size() == 6);
		assertThat(recorder.seenBy("reader")).containsExactlyInAnyOrder("before", "while-0", "while-1", "while-2", "while-3",
				"while-4");
		assertThatThrownBy(() -> queues.disable("no-such-queue"))
				.isInstanceOfSatisfying(MessagingException.class,
						ex -> assertThat(ex.status()).isEqualTo(Status.NOT_FOUND));
	}

	@Test
	void messagesClaimedByANodeThatLeftTheRegistryAreReleasedAfterTheGraceAndDelivered(@Autowired Outbox outbox,
			@Autowired ServiceRegistry registry) {
		for (String queue : List.of("haunted", "busy")) {
			registrations.add(bus.subscribe("ghosts-" + queue, queue, message -> {
				recorder.saw(queue, message);
				return null;
			}));
			bus.publish("ghosts-" + queue, Map.of("n", "ready")); // once handled, the subscription is known everywhere
			await().atMost(WAIT).until(() -> recorder.seenBy(queue).contains("ready"));
			assertThat(queues.disable(queue).enabled()).isFalse();
			for (int i = 0; i < 3; i++) {
				bus.publish("ghosts-" + queue, Map.of("n", "boo-" + i));
			}
			await().atMost(WAIT).until(() -> depth(queue) == 3);
		}
		// A live node, registered, holds claims on "busy"; a node that died, never to come back under its name (it
		// is in no registry), holds claims on "haunted" — taken after the live node's, so checked no longer.
		registry.register(new ServiceInstance("workers", "alive-node",
				Map.of("http", URI.create("http://127.0.0.1:1")), null, null, 100, Map.of()), Duration.ofSeconds(30));
		try {
			assertThat(outbox.claim("busy", "alive-node", 10)).hasSize(3);
			assertThat(outbox.claim("haunted", "gone-node", 10)).hasSize(3);
			assertThat(queues.enable("haunted").enabled()).isTrue();
			assertThat(queues.enable("busy").enabled()).isTrue();

			await().atMost(WAIT).until(() -> recorder.seenBy("haunted").size() == 4);
			assertThat(recorder.seenBy("haunted")).containsExactlyInAnyOrder("ready", "boo-0", "boo-1", "boo-2");
			assertThat(outbox.claimants()).doesNotContain("gone-node").contains("alive-node");
			assertThat(recorder.seenBy("busy")).as("the live node's claims stay its own").containsExactly("ready");
		}
		finally {
			outbox.releaseClaims("alive-node");
			registry.deregister("workers", "alive-node");
		}
	}

	private long depth(String queue) {
		return queues.list().stream()
				.filter(info -> info.name().equals(queue))
				.mapToLong(MessageQueues.QueueInfo::depth)
				.sum();
	}
}
