package io.cleave.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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

/** The REST API under /registry, over real HTTP, including what it answers to bad requests. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "cleave.registry.etcd-api.port=0")
class RegistryRestApiTests {

	private final HttpClient http = HttpClient.newHttpClient();

	private final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Autowired
	KeyValueStore kv;

	String service;

	@DynamicPropertySource
	static void freshDataDirectory(DynamicPropertyRegistry registry) {
		FreshDataDirectory.register(registry, "cleave-registry-rest-");
	}

	@BeforeEach
	void isolate() {
		service = "svc-" + UUID.randomUUID().toString().substring(0, 8);
	}

	@Test
	void registersANonJavaServiceWithATtlAndListsIt() throws Exception {
		HttpResponse<String> created = send("PUT", "/registry/services/" + service + "/instances/py-1", """
				{"addresses": {"http": "http://10.1.2.3:8000"}, "zone": "eu-1", "weight": 5,
				 "metadata": {"lang": "python"}, "ttlSeconds": 30}""");

		assertThat(created.statusCode()).isEqualTo(201);
		JsonNode registered = json.readTree(created.body());
		assertThat(registered.path("ttlSeconds").asLong()).isEqualTo(30);
		String lease = registered.path("lease").asString();
		assertThat(Long.parseLong(lease)).isPositive();

		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			JsonNode instances = json.readTree(send("GET", "/registry/services/" + service, null).body());
			assertThat(instances).hasSize(1);
			assertThat(instances.get(0).path("id").asString()).isEqualTo("py-1");
			assertThat(instances.get(0).path("addresses").path("http").asString()).isEqualTo("http://10.1.2.3:8000");
			assertThat(instances.get(0).path("metadata").path("lang").asString()).isEqualTo("python");
		});
		assertThat(json.readTree(send("GET", "/registry/services", null).body()).path(service).asInt()).isEqualTo(1);

		HttpResponse<String> kept = send("POST", "/registry/leases/" + lease + "/keep-alive", null);
		assertThat(kept.statusCode()).isEqualTo(200);
		assertThat(json.readTree(kept.body()).path("ttlSeconds").asLong()).isEqualTo(30);
	}

	@Test
	void deregistersAnInstanceAndSaysSoWhenItIsAlreadyGone() throws Exception {
		send("PUT", "/registry/services/" + service + "/instances/a", """
				{"addresses": {"http": "http://10.1.2.3:8000"}, "ttlSeconds": 30}""");

		assertThat(send("DELETE", "/registry/services/" + service + "/instances/a", null).statusCode()).isEqualTo(204);

		assertProblem(send("DELETE", "/registry/services/" + service + "/instances/a", null), 404, "is not registered");
		assertThat(kv.range(RangeQuery.of(ServiceInstance.ofService(service))).kvs()).isEmpty();
	}

	@Test
	void exposesTheRegistrysMetrics() throws Exception {
		String metrics = send("GET", "/actuator/prometheus", null).body();

		assertThat(metrics).contains("cleave_registry_revision{").contains("cleave_registry_watches{")
				.contains("cleave_registry_instances{");
	}

	@Test
	void browsesKeysByPrefix() throws Exception {
		kv.put(Put.of("/browse/" + service + "/a", "text"));
		kv.put(Put.of(Bytes.utf8("/browse/" + service + "/b"), Bytes.wrap(new byte[] {(byte) 0xff, 0})));

		JsonNode page = json.readTree(send("GET", "/registry/keys?prefix=/browse/" + service + "/&limit=1", null).body());

		assertThat(page.path("count").asLong()).isEqualTo(2);
		assertThat(page.path("more").asBoolean()).isTrue();
		assertThat(page.path("keys").get(0).path("value").asString()).isEqualTo("text");
		JsonNode all = json.readTree(send("GET", "/registry/keys?prefix=/browse/" + service + "/", null).body());
		assertThat(all.path("keys").get(1).path("valueBase64").asString()).isEqualTo("/wA=");
	}

	@Test
	void badRequestsGetAProblemNamingWhatWasWrongAndStoreNothing() throws Exception {
		String path = "/registry/services/" + service + "/instances/a";
		assertProblem(send("PUT", "/registry/services/Bad_Name/instances/a", """
				{"addresses": {}, "ttlSeconds": 30}"""), 400, "service name 'Bad_Name' is not valid");
		assertProblem(send("PUT", path, """
				{"addresses": {}, "ttlSeconds": -5}"""), 400, "ttlSeconds must be greater than or equal to 1");
		assertProblem(send("PUT", path, """
				{"ttlSeconds": 30}"""), 400, "addresses must not be null");
		assertProblem(send("PUT", path, "{not json"), 400, null);
		assertProblem(send("PUT", "/registry/services/" + service + "/instances/a%20b", """
				{"addresses": {}, "ttlSeconds": 30}"""), 400, "instance id 'a b' is not valid");
		assertProblem(send("PUT", path, """
				{"addresses": {}, "weight": -1, "ttlSeconds": 30}"""), 400, "weight must be greater than or equal to 0");
		assertProblem(send("POST", "/registry/leases/12345/keep-alive", null), 404, "requested lease not found");
		assertProblem(send("POST", "/registry/leases/abc/keep-alive", null), 400, "lease 'abc'");
		assertProblem(send("GET", "/registry/keys?prefix=/&limit=0", null), 400, "limit");

		assertThat(kv.range(RangeQuery.of(ServiceInstance.ofService(service))).kvs()).isEmpty();
		assertThat(kv.range(RangeQuery.of(KeyRange.prefix("/cleave/services/bad_name/"))).kvs()).isEmpty();
	}

	private void assertProblem(HttpResponse<String> response, int status, String detailContains) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				type -> assertThat(type).startsWith("application/problem+json"));
		JsonNode problem = json.readTree(response.body());
		assertThat(problem.path("status").asInt()).isEqualTo(status);
		if (detailContains != null) {
			assertThat(problem.path("detail").asString()).contains(detailContains);
		}
		assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
	}

	private HttpResponse<String> send(String method, String path, String body) throws Exception {
		HttpRequest.Builder request = TestCallers.asOperator(
				HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)))
				.timeout(Duration.ofSeconds(10))
				.header("Content-Type", "application/json")
				.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
						: HttpRequest.BodyPublishers.ofString(body));
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}
}
