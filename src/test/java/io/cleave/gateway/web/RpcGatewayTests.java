package io.cleave.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import fixtures.rpc.Sleeper;
import fixtures.rpc.SleeperService;

import io.cleave.testing.FreshDataDirectory;
import io.cleave.testing.TestCallers;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code POST /api/{service}/{method}}: real status codes and problem details for everything that can go wrong. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "cleave.registry.etcd-api.port=0", "cleave.gateway.request-timeout=2s",
		"cleave.gateway.max-request-size=1KB" })
class RpcGatewayTests {

	@TestConfiguration
	@AutoConfigurationPackage(basePackageClasses = Sleeper.class)
	@Import(SleeperService.class)
	static class WithSleeper {
	}

	private final HttpClient http = HttpClient.newHttpClient();

	private final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void freshDataDirectory(DynamicPropertyRegistry registry) {
		FreshDataDirectory.register(registry, "cleave-gateway-rpc-");
	}

	@Test
	void answersTheResponseRecordAsJson() throws Exception {
		HttpResponse<String> response = post("/api/Sleeper/Sleep", "{\"millis\":1}");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("{\"millis\":1,\"caller\":\"test-user\"}");
	}

	@Test
	void takesAnEmptyBodyAsAnEmptyObject() throws Exception {
		assertThat(post("/api/Sleeper/Sleep", "").body()).isEqualTo("{\"millis\":0,\"caller\":\"test-user\"}");
		assertProblem(post("/api/DB/Query", ""), 400, "INVALID_ARGUMENT", "key: must not be blank");
	}

	@Test
	void acceptsABodySentAsCurlSendsItByDefault() throws Exception {
		HttpResponse<String> response = send("/api/sleeper/sleep", "application/x-www-form-urlencoded", "{\"millis\":2}");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(json.readTree(response.body()).path("millis").asLong()).isEqualTo(2);
	}

	@Test
	void anUnknownServiceIs404NamingTheServices() throws Exception {
		JsonNode problem = assertProblem(post("/api/Nope/Sleep", "{}"), 404, "NOT_FOUND", null);

		assertThat(problem.path("detail").asString()).startsWith("no RPC service 'Nope'; services: [")
				.contains("DB", "Sleeper");
	}

	@Test
	void anUnknownMethodIs404NamingTheMethods() throws Exception {
		assertProblem(post("/api/Sleeper/Snore", "{}"), 404, "NOT_FOUND",
				"service Sleeper has no method 'Snore'; methods: [Fail, Sleep]");
	}

	@Test
	void namesAreMatchedAsDeclaredOrWithTheFirstLetterCapitalisedOnly() throws Exception {
		assertThat(post("/api/sleeper/sleep", "{}").statusCode()).isEqualTo(200);
		assertThat(post("/api/SLEEPER/sleep", "{}").statusCode()).isEqualTo(404);
	}

	@Test
	void malformedJsonIs400SayingWhere() throws Exception {
		JsonNode problem = assertProblem(post("/api/Sleeper/Sleep", "{\"millis\": }"), 400, "INVALID_ARGUMENT", null);

		assertThat(problem.path("detail").asString()).startsWith("malformed JSON at line 1, column 12: ");
	}

	@Test
	void aValueOfTheWrongTypeIs400NamingTheField() throws Exception {
		JsonNode problem = assertProblem(post("/api/Sleeper/Sleep", "{\"millis\":\"soon\"}"), 400, "INVALID_ARGUMENT",
				null);

		assertThat(problem.path("violations").get(0).path("field").asString()).isEqualTo("millis");
		assertThat(problem.path("detail").asString()).startsWith("millis: ").doesNotContain("java.lang");
	}

	@Test
	void aValidationFailureIs400NamingTheField() throws Exception {
		assertProblem(post("/api/Sleeper/Sleep", "{\"millis\":-1}"), 400, "INVALID_ARGUMENT",
				"millis: must be greater than or equal to 0");
	}

	@Test
	void aBusinessErrorAnswersWithItsOwnStatus() throws Exception {
		assertProblem(post("/api/Sleeper/Fail", "{\"declared\":true}"), 409, "FAILED_PRECONDITION",
				"the sleeper refuses");
	}

	@Test
	void anUndeclaredFailureIs500WithoutItsDetails() throws Exception {
		HttpResponse<String> response = post("/api/Sleeper/Fail", "{\"declared\":false}");

		assertProblem(response, 500, "INTERNAL", "the call failed on the server; the failure is logged there");
		assertThat(response.body()).doesNotContain("secret-table-name", "IllegalStateException", "\tat ");
	}

	@Test
	void aCallOverrunningTheGatewaysTimeoutIs504() throws Exception {
		assertProblem(post("/api/Sleeper/Sleep", "{\"millis\":2500}"), 504, "DEADLINE_EXCEEDED",
				"Sleeper/Sleep: the deadline passed before the call returned");
	}

	@Test
	void aBodyOverTheSizeLimitIs413() throws Exception {
		HttpResponse<String> response = post("/api/Sleeper/Sleep", "{\"millis\":1}" + " ".repeat(1024));

		assertThat(response.statusCode()).isEqualTo(413);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(json.readTree(response.body()).path("detail").asString())
				.isEqualTo("the request body exceeds 1024 bytes (cleave.gateway.max-request-size)");
	}

	private JsonNode assertProblem(HttpResponse<String> response, int status, String code, String detail) {
		assertThat(response.statusCode()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		JsonNode problem = json.readTree(response.body());
		assertThat(problem.path("status").asInt()).isEqualTo(status);
		assertThat(problem.path("code").asString()).isEqualTo(code);
		if (detail != null) {
			assertThat(problem.path("detail").asString()).isEqualTo(detail);
		}
		return problem;
	}

	private HttpResponse<String> post(String path, String body) throws Exception {
		return send(path, "application/json", body);
	}

	private HttpResponse<String> send(String path, String contentType, String body) throws Exception {
		return http.send(TestCallers.asUser(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)))
				.header("Content-Type", contentType)
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build(), HttpResponse.BodyHandlers.ofString());
	}
}
