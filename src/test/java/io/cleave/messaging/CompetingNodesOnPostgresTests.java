package io.cleave.messaging;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.CountDownLatch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.cleave.CleaveApplication;
import io.cleave.testing.EmbeddedPostgresServer;

import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two nodes sharing one PostgreSQL database consume the same subscriber queue: each published message is handled
 * once, by one of them, and both take part.
 */
class CompetingNodesOnPostgresTests {

	@Test
	void nodesSharingADatabaseCompeteForOneQueueAndHandleEachMessageOnce() {
		String url = EmbeddedPostgresServer.createDatabase("competing_nodes");
		Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
		Map<String, AtomicInteger> perNode = new ConcurrentHashMap<>();
		CountDownLatch bothTakingPart = new CountDownLatch(2);
		try (ConfigurableApplicationContext one = node(url, "node-1");
				ConfigurableApplicationContext two = node(url, "node-2")) {
			for (var node : Map.of("node-1", one, "node-2", two).entrySet()) {
				node.getValue().getBean(MessageBus.class).subscribe("orders", "billing", message -> {
					handled.computeIfAbsent(message.path("n").asString(), key -> new AtomicInteger()).incrementAndGet();
					if (perNode.computeIfAbsent(node.getKey(), key -> new AtomicInteger()).incrementAndGet() == 1) {
						bothTakingPart.countDown();
					}
					// Each node holds its messages until the other has one too, so both must claim a share.
					bothTakingPart.await(30, TimeUnit.SECONDS);
					return null;
				});
			}
			MessageBus publisher = one.getBean(MessageBus.class);
			for (int i = 0; i < 300; i++) {
				publisher.publish("orders", Map.of("n", String.valueOf(i)));
			}

			await().atMost(Duration.ofSeconds(60)).until(() -> handled.size() == 300);
			await().atMost(Duration.ofSeconds(10)).until(() -> one.getBean(MessageQueues.class).list().stream()
					.allMatch(queue -> queue.depth() == 0));
		}
		assertThat(handled.values()).allSatisfy(count -> assertThat(count).hasValue(1));
		assertThat(perNode).containsOnlyKeys("node-1", "node-2");
	}

	private static ConfigurableApplicationContext node(String url, String name) {
		return new SpringApplicationBuilder(CleaveApplication.class)
				.web(WebApplicationType.NONE)
				.profiles("postgres")
				.properties("CLEAVE_DB_URL=" + url, "CLEAVE_DB_USER=postgres", "CLEAVE_DB_PASSWORD=")
				// arguments: they outrank ./config/application.yml, default properties do not
				.run("--cleave.node.name=" + name, "--cleave.registry.etcd-api.port=0",
						"--cleave.messaging.queue.poll-interval=100ms", "--cleave.messaging.queue.buffer=16");
	}
}
