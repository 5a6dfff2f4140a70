package io.cleave.gateway;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.cleave.registry.ServiceRegistry;
import io.cleave.testing.FreshDataDirectory;
import io.cleave.testing.TestCallers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The node the gateway's edge tests share (one application context for proxy routes, rate limits and CORS), set up
 * by {@code gateway-edge.yml}: proxy routes to services the tests register, a breaker that opens after two failures,
 * two rate-limited paths and CORS rules.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
		"cleave.registry.etcd-api.port=0", "spring.config.import=classpath:gateway-edge.yml" })
abstract class GatewayEdgeNode {

	static final HttpClient HTTP = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	ServiceRegistry registry;

	@DynamicPropertySource
	static void freshDataDirectory(DynamicPropertyRegistry registry) {
		FreshDataDirectory.register(registry, "cleave-gateway-edge-");
	}

	HttpRequest.Builder request(String path) {
		return TestCallers.asUser(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)));
	}

	HttpResponse<String> get(String path) throws IOException, InterruptedException {
		return send(request(path).GET());
	}

	static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
		return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}
}
