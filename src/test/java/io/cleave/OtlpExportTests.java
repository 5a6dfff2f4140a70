package io.cleave;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import com.sun.net.httpserver.HttpServer;

import io.cleave.testing.FreshDataDirectory;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * With an OTLP endpoint configured, a node's spans reach it as OTLP over HTTP (protobuf), sent by the exporter's JDK
 * HttpClient sender (the only sender on the classpath).
 */
@SpringBootTest(properties = { "cleave.registry.etcd-api.port=0", "spring.jmx.enabled=false",
		"management.tracing.sampling.probability=1.0" })
class OtlpExportTests {

	private record Received(String path, String contentType, String body) {
	}

	private static final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

	private static final HttpServer collector = collector();

	@DynamicPropertySource
	static void settings(DynamicPropertyRegistry registry) {
		FreshDataDirectory.register(registry, "otlp-export");
		registry.add("management.opentelemetry.tracing.export.otlp.endpoint",
				() -> "http://127.0.0.1:" + collector.getAddress().getPort() + "/v1/traces");
	}

	@Autowired
	ObservationRegistry observations;

	@AfterAll
	static void stopCollector() {
		collector.stop(0);
	}

	@Test
	void exportsSpansToTheConfiguredOtlpEndpoint() {
		Observation.createNotStarted("otlp-export-probe", observations).observe(() -> {
		});

		await().atMost(Duration.ofSeconds(30)).until(() -> received.stream()
				.anyMatch(request -> request.body().contains("otlp-export-probe")));
		Received export = received.stream().filter(request -> request.body().contains("otlp-export-probe"))
				.findFirst().orElseThrow();
		assertThat(export.path()).isEqualTo("/v1/traces");
		assertThat(export.contentType()).isEqualTo("application/x-protobuf");
	}

	private static HttpServer collector() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
			server.createContext("/", exchange -> {
				byte[] body = exchange.getRequestBody().readAllBytes();
				received.add(new Received(exchange.getRequestURI().getPath(),
						exchange.getRequestHeaders().getFirst("Content-Type"),
						new String(body, StandardCharsets.ISO_8859_1)));
				exchange.sendResponseHeaders(200, -1);
				exchange.close();
			});
			server.start();
			return server;
		}
		catch (IOException failure) {
			throw new IllegalStateException("the OTLP collector could not start", failure);
		}
	}
}
