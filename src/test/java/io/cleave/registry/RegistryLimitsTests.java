package io.cleave.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.cleave.testing.FreshDataDirectory;
import io.cleave.testing.TestCallers;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The registry's request limits on its Java and REST entrances: etcd's errors from the Java API, 413 or 400 problems
 * on REST, a body over the limit refused before it is read, and nothing stored in any of these cases. (The etcd API's
 * side is {@code EtcdApiLimitsTests}.) Values are limited to 64 KB here so that REST bodies can exceed them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = {"cleave.registry.etcd-api.port=0", "cleave.registry.limits.value-size=64KB"})
class RegistryLimitsTests {

	private static final int MIB = 1024 * 1024;

	private final HttpClient http = HttpClient.newHttpClient();

	private final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Autowired
	KeyValueStore kv;

	String prefix;

	String service;

	@DynamicPropertySource
	static void freshDataDirectory(DynamicPropertyRegistry registry) {
		FreshDataDirectory.register(registry, "cleave-registry-limits-");
	}

	@BeforeEach
	void isolate() {
		String id = UUID.randomUUID().toString().substring(0, 8);
		prefix = "/limits/" + id + "/";
		service = "svc-" + id;
	}

	@Test
	void theJavaApiRefusesKeysValuesAndRequestsOverTheirLimitsWithEtcdsErrorsAndStoresNothing() {
		assertThatExceptionOfType(RegistryException.TooLarge.class)
				.isThrownBy(() -> kv.put(Put.of(prefix + "k".repeat(3000), "v")))
				.withMessage("etcdserver: key is too large")
				.satisfies(ex -> assertThat(ex.explanation()).isEqualTo(
						"key is too large: " + (prefix.length() + 3000)
								+ " bytes, at most 2048 allowed (cleave.registry.limits.key-size)"));
		assertThatExceptionOfType(RegistryException.TooLarge.class)
				.isThrownBy(() -> kv.put(Put.of(prefix + "v", "v".repeat(64 * 1024 + 1))))
				.withMessage("etcdserver: value is too large");
		List<Op> puts = new ArrayList<>();
		for (int i = 0; i < 30; i++) {
			puts.add(Put.of(prefix + "tx-" + i, "v".repeat(60_000))); // 1.8 MB in all
		}
		assertThatExceptionOfType(RegistryException.TooLarge.class)
				.isThrownBy(() -> kv.txn(new Txn(List.of(), puts, List.of())))
				.withMessage(RegistryException.REQUEST_TOO_LARGE)
				.satisfies(ex -> assertThat(ex.reason()).isEqualTo(RegistryException.Reason.INVALID_ARGUMENT));

		assertThat(kv.range(RangeQuery.of(KeyRange.prefix(prefix))).count()).isZero();
		assertThat(kv.put(Put.of(prefix + "v", "v".repeat(64 * 1024))).revision()).isPositive();
	}

	@Test
	void theJavaApiAllows128OperationsPerTransactionLikeEtcdAndNoMore() {
		assertThatExceptionOfType(RegistryException.class)
				.isThrownBy(() -> kv.txn(txn(129)))
				.withMessage("etcdserver: too many operations in txn request");
		assertThatExceptionOfType(RegistryException.class)
				.as("nested transactions are counted too")
				.isThrownBy(() -> kv.txn(new Txn(List.of(), List.of(txn(129)), List.of())))
				.withMessage("etcdserver: too many operations in txn request");
		assertThat(kv.range(RangeQuery.of(KeyRange.prefix(prefix))).count()).isZero();

		assertThat(kv.txn(txn(128)).succeeded()).isTrue();
		assertThat(kv.range(RangeQuery.of(KeyRange.prefix(prefix))).count()).isEqualTo(128);
	}

	@Test
	void aTwentyMegabyteRestBodyIsRefusedBeforeItIsReadAndNothingIsStored() throws Exception {
		byte[] body = registration("x".repeat(20 * MIB));
		HttpRequest request = TestCallers.asOperator(HttpRequest.newBuilder(URI.create(url("/registry/services/" + service
				+ "/instances/a"))))
				.timeout(Duration.ofSeconds(30))
				.header("Content-Type", "application/json")
				.expectContinue(true) // what curl does for large bodies: the server answers before the body is sent
				.PUT(HttpRequest.BodyPublishers.ofByteArray(body))
				.build();

		HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());

		assertProblem(response, 413, "the request body exceeds 1572864 bytes (cleave.registry.limits.request-size)");
		assertThat(kv.range(RangeQuery.of(ServiceInstance.ofService(service))).count()).isZero();
	}

	@Test
	void aRestBodyOfUnknownLengthIsCutOffAtTheLimit() throws Exception {
		byte[] body = registration("x".repeat(3 * MIB / 2));
		HttpRequest request = TestCallers.asOperator(HttpRequest.newBuilder(URI.create(url("/registry/services/" + service
				+ "/instances/a"))))
				.timeout(Duration.ofSeconds(30))
				.header("Content-Type", "application/json")
				.PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))) // chunked
				.build();

		HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());

		assertProblem(response, 413, "the request body exceeds 1572864 bytes (cleave.registry.limits.request-size)");
		assertThat(kv.range(RangeQuery.of(ServiceInstance.ofService(service))).count()).isZero();
	}

	@Test
	void aRegistrationWhoseValueExceedsTheValueLimitGets413NamingTheLimit() throws Exception {
		HttpRequest request = TestCallers.asOperator(HttpRequest.newBuilder(URI.create(url("/registry/services/" + service
				+ "/instances/a"))))
				.timeout(Duration.ofSeconds(30))
				.header("Content-Type", "application/json")
				.PUT(HttpRequest.BodyPublishers.ofByteArray(registration("x".repeat(100_000))))
				.build();

		HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());

		assertProblem(response, 413, "value is too large");
		assertProblem(response, 413, "at most 65536 allowed (cleave.registry.limits.value-size)");
		assertThat(kv.range(RangeQuery.of(ServiceInstance.ofService(service))).count()).isZero();
	}

	private Txn txn(int puts) {
		List<Op> ops = new ArrayList<>();
		for (int i = 0; i < puts; i++) {
			ops.add(Put.of(prefix + "op-" + i, "v"));
		}
		return new Txn(List.of(), ops, List.of());
	}

	private static byte[] registration(String label) {
		return ("{\"addresses\": {\"http\": \"http://10.0.0.1:80\"}, \"ttlSeconds\": 30, \"metadata\": {\"big\": \""
				+ label + "\"}}").getBytes(StandardCharsets.UTF_8);
	}

	private String url(String path) {
		return "http://localhost:" + port + path;
	}

	private void assertProblem(HttpResponse<String> response, int status, String detailContains) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type"))
				.hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
		JsonNode problem = json.readTree(response.body());
		assertThat(problem.path("status").asInt()).isEqualTo(status);
		assertThat(problem.path("detail").asString()).contains(detailContains);
	}
}
