package io.cleave;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.EventListener;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Health means ready: while a node starts, its HTTP port already answers, but health is 503 and names the
 * components it still waits for; once it can serve, health and readiness are UP and list what they checked.
 */
class ReadinessTests {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private final ObjectMapper json = new ObjectMapper();

	@Test
	void answers503NamingWhatIsNotReadyUntilTheNodeCanServe(@TempDir Path dataDir) throws Exception {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(CleaveApplication.class,
				HealthWhileStarting.class)
				.run("--server.port=0", "--cleave.registry.etcd-api.port=0", "--cleave.data-dir=" + dataDir,
						"--spring.jmx.enabled=false")) {
			HttpResponse<String> early = context.getBean(HealthWhileStarting.class).seen.get();
			assertThat(early).as("health asked as soon as the HTTP port listened").isNotNull();
			assertThat(early.statusCode()).isEqualTo(503);
			JsonNode components = json.readTree(early.body()).path("components");
			assertThat(components.path("etcdApi").path("status").asString()).isEqualTo("OUT_OF_SERVICE");
			assertThat(components.path("nodeRegistration").path("status").asString()).isEqualTo("OUT_OF_SERVICE");
			assertThat(components.path("readinessState").path("status").asString()).isEqualTo("OUT_OF_SERVICE");
			assertThat(components.path("registryStore").path("status").asString())
					.as("the store is open before the HTTP port is").isEqualTo("UP");

			int port = context.getBean(HealthWhileStarting.class).port;
			for (String path : new String[] {"/actuator/health", "/actuator/health/readiness"}) {
				HttpResponse<String> ready = get(port, path);
				assertThat(ready.statusCode()).as(path).isEqualTo(200);
				JsonNode body = json.readTree(ready.body());
				assertThat(body.path("status").asString()).as(path).isEqualTo("UP");
				assertThat(body.path("components").propertyNames()).as(path)
						.contains("readinessState", "db", "registryStore", "etcdApi", "nodeRegistration");
			}
			assertThat(get(port, "/actuator/health/liveness").statusCode()).isEqualTo(200);
		}
	}

	@Test
	void withRpcOverGrpcWaitsForTheRpcPortToListenToo(@TempDir Path dataDir) throws Exception {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(CleaveApplication.class,
				HealthWhileStarting.class)
				.run("--server.port=0", "--cleave.registry.etcd-api.port=0", "--cleave.data-dir=" + dataDir,
						"--spring.jmx.enabled=false", "--cleave.transport.rpc=grpc", "--cleave.rpc.grpc.port=0",
						"--management.endpoint.health.show-details=always")) {
			HttpResponse<String> early = context.getBean(HealthWhileStarting.class).seen.get();
			assertThat(early.statusCode()).isEqualTo(503);
			JsonNode rpcGrpc = json.readTree(early.body()).path("components").path("rpcGrpc");
			assertThat(rpcGrpc.path("status").asString()).isEqualTo("OUT_OF_SERVICE");
			assertThat(rpcGrpc.path("details").path("waiting for").asString())
					.isEqualTo("the RPC gRPC server to listen on 127.0.0.1:0");

			int port = context.getBean(HealthWhileStarting.class).port;
			for (String path : new String[] {"/actuator/health", "/actuator/health/readiness"}) {
				HttpResponse<String> ready = get(port, path);
				assertThat(ready.statusCode()).as(path).isEqualTo(200);
				JsonNode listening = json.readTree(ready.body()).path("components").path("rpcGrpc");
				assertThat(listening.path("status").asString()).as(path).isEqualTo("UP");
				int grpcPort = Integer.parseInt(listening.path("details").path("listening").asString()
						.substring("127.0.0.1:".length()));
				try (Socket socket = new Socket("127.0.0.1", grpcPort)) {
					assertThat(socket.isConnected()).as("the port readiness names accepts connections").isTrue();
				}
			}
		}
	}

	private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
		return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
				.timeout(Duration.ofSeconds(10))
				.build(), HttpResponse.BodyHandlers.ofString());
	}

	/**
	 * Asks for health the moment the HTTP server has started, from the starting thread, so before the rest of the
	 * node (etcd's API, the registration, the ready event) has come up.
	 */
	@TestConfiguration(proxyBeanMethods = false)
	static class HealthWhileStarting {

		final AtomicReference<HttpResponse<String>> seen = new AtomicReference<>();

		volatile int port;

		@EventListener
		void on(WebServerInitializedEvent event) throws IOException, InterruptedException {
			if (event.getApplicationContext().getServerNamespace() == null) {
				port = event.getWebServer().getPort();
				seen.set(get(port, "/actuator/health"));
			}
		}
	}
}
