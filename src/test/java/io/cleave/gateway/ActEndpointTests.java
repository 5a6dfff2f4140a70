package io.cleave.gateway;

import java.util.concurrent.CountDownLatch;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.cleave.messaging.MessageBus;
import io.cleave.messaging.MessagingException;
import io.cleave.messaging.Registration;
import io.cleave.status.Status;
import io.cleave.testing.FreshDataDirectory;
import io.cleave.testing.TestCallers;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code POST /act} over real HTTP: go-nano's request form, and a problem+json answer for every way it can fail. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
		"cleave.registry.etcd-api.port=0",
		"cleave.gateway.request-timeout=300ms" })
class ActEndpointTests {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static @Nullable Registration positive;

	private static Registration crash;

	private static Registration slow;

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void freshDataDirectory(DynamicPropertyRegistry registry) {
		FreshDataDirectory.register(registry, "cleave-act-endpoint-");
	}

	@BeforeAll
	static void handlers(@Autowired MessageBus bus) {
		try {
			positive = bus.handle("role:math,cmd:positive",
					message -> JSON.createObjectNode().put("Result", message.path("Value").asDouble() > 0));
		}
		catch (MessagingException ex) {
			// the math module serves it already: test against that one
			assertThat(ex.status()).isEqualTo(Status.ALREADY_EXISTS);
		}
		crash = bus.handle("role:gateway-test,cmd:crash", message -> {
			throw new IllegalStateException("secret internals");
		});
		slow = bus.handle("role:gateway-test,cmd:slow", message -> {
			new CountDownLatch(1).await(); // never released: act's deadline interrupts it
			return null;
		});
	}

	@AfterAll
	static void unregister() {
		if (positive != null) {
			positive.close();
		}
		crash.close();
		slow.close();
	}

	@Test
	void goNanoRequestsAreAnsweredWhateverTheOrderOfThePatternPairs() throws Exception {
		HttpResponse<String> inOrder = post("{\"Pattern\":\"role:math,cmd:positive\",\"Value\":1}");
		HttpResponse<String> reversed = post("{\"Pattern\":\"cmd:positive,role:math\",\"Value\":1}");
		HttpResponse<String> plainProperties = post("{\"role\":\"math\",\"cmd\":\"positive\",\"Value\":-4}");

		assertThat(inOrder.statusCode()).isEqualTo(200);
		assertThat(JSON.readTree(inOrder.body())).isEqualTo(JSON.readTree("{\"Result\":true}"));
		assertThat(reversed.statusCode()).isEqualTo(200);
		assertThat(JSON.readTree(reversed.body())).isEqualTo(JSON.readTree("{\"Result\":true}"));
		assertThat(JSON.readTree(plainProperties.body())).isEqualTo(JSON.readTree("{\"Result\":false}"));
	}

	@Test
	void aMessageNoPatternMatchesIs404() throws Exception {
		assertProblem(post("{\"Pattern\":\"role:nobody,cmd:nothing\"}"), 404, "No handler matches");
	}

	@Test
	void malformedJsonOrSomethingElseThanAnObjectIs400() throws Exception {
		assertProblem(post("{\"Pattern\":"), 400, "Malformed JSON");
		assertProblem(post("[1,2]"), 400, "must be a JSON object");
		assertProblem(post(""), 400, "empty");
		assertProblem(post("{\"Pattern\":\"role\"}"), 400, "role");
	}

	@Test
	void aFailingHandlerIs500WithoutItsInternals() throws Exception {
		HttpResponse<String> response = post("{\"role\":\"gateway-test\",\"cmd\":\"crash\"}");

		assertProblem(response, 500, "handler of cmd:crash,role:gateway-test failed");
		assertThat(response.body()).doesNotContain("secret internals").doesNotContain("IllegalStateException");
	}

	@Test
	void aHandlerPastTheRequestTimeoutIs504() throws Exception {
		long start = System.nanoTime();
		assertProblem(post("{\"role\":\"gateway-test\",\"cmd\":\"slow\"}"), 504, "within the deadline");
		assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
	}

	@Test
	void anythingButPostIs405() throws Exception {
		HttpResponse<String> response = HTTP.send(TestCallers.asUser(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/act")))
				.GET()
				.build(), HttpResponse.BodyHandlers.ofString());

		assertThat(response.statusCode()).isEqualTo(405);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				type -> assertThat(type).startsWith("application/problem+json"));
	}

	private HttpResponse<String> post(String body) throws Exception {
		return HTTP.send(TestCallers.asUser(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/act")))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static void assertProblem(HttpResponse<String> response, int status, String detail) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				type -> assertThat(type).startsWith("application/problem+json"));
		JsonNode problem = JSON.readTree(response.body());
		assertThat(problem.path("status").asInt()).isEqualTo(status);
		assertThat(problem.path("detail").asString()).contains(detail);
	}
}
