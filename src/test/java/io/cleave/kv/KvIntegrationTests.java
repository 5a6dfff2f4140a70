package io.cleave.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

import io.cleave.kv.DB.QueryRequest;
import io.cleave.kv.DB.QueryResponse;
import io.cleave.kv.DB.UpdateRequest;
import io.cleave.kv.DB.UpdateResponse;
import io.cleave.rpc.InvalidRequestException;
import io.cleave.rpc.InvalidRequestException.FieldViolation;
import io.cleave.status.Status;
import io.cleave.testing.FreshDataDirectory;
import io.cleave.testing.TestCallers;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** goms' DB/Query example: the {@link DB} service through its Java interface and through the gateway's HTTP API. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "cleave.registry.etcd-api.port=0")
class KvIntegrationTests {

	private final HttpClient http = HttpClient.newHttpClient();

	private final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Autowired
	DB db;

	@Autowired
	MeterRegistry meters;

	@DynamicPropertySource
	static void freshDataDirectory(DynamicPropertyRegistry registry) {
		FreshDataDirectory.register(registry, "cleave-kv-");
	}

	// Through the Java interface

	@Test
	void injectsTheRpcClientNotTheImplementation() {
		assertThat(db.toString()).isEqualTo("RPC client of DB (io.cleave.kv.DB)");
	}

	@Test
	void storesAValueAndReadsItBack() {
		String key = uniqueKey();

		assertThat(db.update(new UpdateRequest(key, "aaa"))).isEqualTo(new UpdateResponse());
		assertThat(db.query(new QueryRequest(key))).isEqualTo(new QueryResponse("aaa"));
	}

	@Test
	void anUpdateReplacesThePreviousValue() {
		String key = uniqueKey();
		db.update(new UpdateRequest(key, "first"));

		db.update(new UpdateRequest(key, "second"));

		assertThat(db.query(new QueryRequest(key)).value()).isEqualTo("second");
	}

	@Test
	void aMissingKeyIsATypedNotFound() {
		String key = uniqueKey();

		assertThatExceptionOfType(KeyNotFoundException.class)
				.isThrownBy(() -> db.query(new QueryRequest(key)))
				.withMessage("no value is stored under key '" + key + "'")
				.satisfies(missing -> assertThat(missing.status()).isEqualTo(Status.NOT_FOUND));
	}

	@Test
	void aBlankKeyIsRejectedNamingTheField() {
		assertThatExceptionOfType(InvalidRequestException.class)
				.isThrownBy(() -> db.update(new UpdateRequest(" ", "aaa")))
				.satisfies(invalid -> {
					assertThat(invalid.status()).isEqualTo(Status.INVALID_ARGUMENT);
					assertThat(invalid.violations()).extracting(FieldViolation::field).containsExactly("key");
				});
	}

	@Test
	void callsAreCountedPerMethodAndStatus() {
		String key = uniqueKey();
		double before = count("Query", "NOT_FOUND");

		assertThatExceptionOfType(KeyNotFoundException.class).isThrownBy(() -> db.query(new QueryRequest(key)));

		assertThat(count("Query", "NOT_FOUND")).isEqualTo(before + 1);
	}

	// Through HTTP, goms' way

	@Test
	void updateAnswersAnEmptyObject() throws Exception {
		HttpResponse<String> response = post("/api/DB/Update", "{\"key\":\"" + uniqueKey() + "\",\"value\":\"aaa\"}");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
		assertThat(response.body()).isEqualTo("{}");
	}

	@Test
	void queryAnswersTheValueStoredOverHttp() throws Exception {
		String key = uniqueKey();
		post("/api/DB/Update", "{\"key\":\"" + key + "\",\"value\":\"aaa\"}");

		HttpResponse<String> response = post("/api/DB/Query", "{\"key\":\"" + key + "\"}");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("{\"value\":\"aaa\"}");
	}

	@Test
	void acceptsGomsFirstLetterCapitalisation() throws Exception {
		String key = uniqueKey();
		db.update(new UpdateRequest(key, "aaa"));

		HttpResponse<String> response = post("/api/dB/query", "{\"key\":\"" + key + "\"}");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("{\"value\":\"aaa\"}");
	}

	@Test
	void aMissingKeyIsA404Problem() throws Exception {
		String key = uniqueKey();

		HttpResponse<String> response = post("/api/DB/Query", "{\"key\":\"" + key + "\"}");

		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		JsonNode problem = json.readTree(response.body());
		assertThat(problem.path("code").asString()).isEqualTo("NOT_FOUND");
		assertThat(problem.path("detail").asString()).isEqualTo("no value is stored under key '" + key + "'");
	}

	@Test
	void aRequestFailingValidationIsA400NamingTheField() throws Exception {
		HttpResponse<String> response = post("/api/DB/Update", "{\"key\":\"\",\"value\":\"aaa\"}");

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		JsonNode problem = json.readTree(response.body());
		assertThat(problem.path("detail").asString()).isEqualTo("key: must not be blank");
		assertThat(problem.path("violations").get(0).path("field").asString()).isEqualTo("key");
	}

	private double count(String method, String status) {
		var timer = meters.find("cleave.rpc.server.calls")
				.tags("service", "DB", "method", method, "status", status)
				.timer();
		return timer == null ? 0 : timer.count();
	}

	private HttpResponse<String> post(String path, String body) throws Exception {
		return http.send(TestCallers.asUser(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static String uniqueKey() {
		return "key-" + UUID.randomUUID();
	}
}
