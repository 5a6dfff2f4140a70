package io.cleave.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import io.cleave.testing.FreshDataDirectory;
import io.cleave.testing.TestCallers;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The operators' API under /messaging over real HTTP — dead letters listed, inspected, resubmitted and discarded,
 * queues disabled and enabled — and the messaging meters in /actuator/prometheus.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
		"cleave.registry.etcd-api.port=0",
		"cleave.messaging.redelivery.max-attempts=2",
		"cleave.messaging.redelivery.initial-backoff=10ms",
		"cleave.messaging.redelivery.max-backoff=10ms" })
class MessagingRestApiTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final HttpClient http = HttpClient.newHttpClient();

	private final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Autowired
	MessageBus bus;

	private Registration registration;

	@DynamicPropertySource
	static void freshDataDirectory(DynamicPropertyRegistry registry) {
		FreshDataDirectory.register(registry, "cleave-messaging-rest-");
	}

	@AfterEach
	void unregister() {
		if (registration != null) {
			registration.close();
		}
	}

	@Test
	void deadLettersCanBeListedInspectedResubmittedAndDiscardedAndAreCountedInPrometheus() throws Exception {
		AtomicBoolean healthy = new AtomicBoolean(false);
		List<String> handled = new CopyOnWriteArrayList<>();
		registration = bus.handle("role:shop,cmd:charge", message -> {
			if (!healthy.get()) {
				throw new IllegalStateException("card service down");
			}
			handled.add(message.path("order").asString());
			return null;
		});
		bus.send(Map.of("role", "shop", "cmd", "charge", "order", "o-1"));
		bus.send(Map.of("role", "shop", "cmd", "charge", "order", "o-2"));

		JsonNode listed = await().atMost(WAIT).until(
				() -> json.readTree(get("/messaging/dead-letters?queue=" + encode("cmd:charge,role:shop")).body()),
				list -> list.size() == 2);
		JsonNode first = listed.get(0);
		assertThat(first.path("queue").asString()).isEqualTo("cmd:charge,role:shop");
		assertThat(first.path("attempts").asInt()).isEqualTo(2);
		assertThat(first.path("error").asString()).contains("card service down");
		long firstId = first.path("id").asLong();
		long secondId = listed.get(1).path("id").asLong();

		JsonNode inspected = json.readTree(get("/messaging/dead-letters/" + firstId).body());
		assertThat(inspected.path("message").path("order").asString()).isIn("o-1", "o-2");

		String metrics = get("/actuator/prometheus").body();
		assertThat(metrics).containsPattern("(?m)^cleave_messaging_dead_letters\\{[^}]*} 2\\.0$");
		assertThat(metrics).containsPattern(
				"(?m)^cleave_messaging_queue_dead_lettered_total\\{[^}]*queue=\"cmd:charge,role:shop\"[^}]*} 2\\.0$");
		assertThat(metrics).containsPattern(
				"(?m)^cleave_messaging_queue_redeliveries_total\\{[^}]*queue=\"cmd:charge,role:shop\"[^}]*} 2\\.0$");
		assertThat(metrics).containsPattern(
				"(?m)^cleave_messaging_handler_seconds_count\\{mode=\"queue\",[^}]*outcome=\"failure\",queue=\"cmd:charge,role:shop\"} 4$");
		assertThat(metrics).containsPattern(
				"(?m)^cleave_messaging_queue_depth\\{[^}]*queue=\"cmd:charge,role:shop\"} 0\\.0$");

		healthy.set(true);
		HttpResponse<String> resubmitted = send("POST", "/messaging/dead-letters/" + firstId + "/resubmit");
		assertThat(resubmitted.statusCode()).isEqualTo(202);
		await().atMost(WAIT).until(() -> handled.size() == 1);
		assertThat(handled.getFirst()).isEqualTo(inspected.path("message").path("order").asString());

		assertThat(send("DELETE", "/messaging/dead-letters/" + secondId).statusCode()).isEqualTo(204);
		assertThat(json.readTree(get("/messaging/dead-letters").body())).isEmpty();
		assertThat(get("/actuator/prometheus").body())
				.containsPattern("(?m)^cleave_messaging_dead_letters\\{[^}]*} 0\\.0$");
		assertProblem(get("/messaging/dead-letters/" + secondId), 404, "No dead letter with id " + secondId);
		assertProblem(send("POST", "/messaging/dead-letters/" + secondId + "/resubmit"), 404, "No dead letter");
		assertProblem(send("DELETE", "/messaging/dead-letters/" + secondId), 404, "No dead letter");
		assertProblem(get("/messaging/dead-letters/abc"), 400, "id 'abc' is not a valid long");
		assertProblem(get("/messaging/dead-letters?limit=0"), 400, "limit must be at least 1");
	}

	@Test
	void queuesCanBeListedDisabledAndEnabled() throws Exception {
		registration = bus.subscribe("greetings", "greeter", message -> null);

		JsonNode queues = json.readTree(get("/messaging/queues").body());
		assertThat(queues.findValuesAsString("name")).contains("greeter");

		JsonNode disabled = json.readTree(send("POST", "/messaging/queues/greeter/disable").body());
		assertThat(disabled.path("enabled").asBoolean()).isFalse();
		assertThat(disabled.path("topic").asString()).isEqualTo("greetings");
		bus.publish("greetings", Map.of("hello", "world"));
		await().atMost(WAIT).until(() -> greeterDepth() == 1);

		JsonNode enabled = json.readTree(send("POST", "/messaging/queues/greeter/enable").body());
		assertThat(enabled.path("enabled").asBoolean()).isTrue();
		await().atMost(WAIT).until(() -> greeterDepth() == 0);
		assertProblem(send("POST", "/messaging/queues/nobody/enable"), 404, "No queue named nobody");
	}

	private long greeterDepth() throws Exception {
		for (JsonNode queue : json.readTree(get("/messaging/queues").body())) {
			if (queue.path("name").asString().equals("greeter")) {
				return queue.path("depth").asLong();
			}
		}
		throw new AssertionError("queue greeter is not listed");
	}

	private HttpResponse<String> get(String path) throws Exception {
		return send("GET", path);
	}

	private HttpResponse<String> send(String method, String path) throws Exception {
		return http.send(TestCallers.asOperator(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)))
				.method(method, HttpRequest.BodyPublishers.noBody())
				.build(), HttpResponse.BodyHandlers.ofString());
	}

	private void assertProblem(HttpResponse<String> response, int status, String detail) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				type -> assertThat(type).startsWith("application/problem+json"));
		assertThat(json.readTree(response.body()).path("detail").asString()).contains(detail);
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}
}
