package io.cleave.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A whole node on a random port, reached over real HTTP: the base of test classes about the node's HTTP edge as a
 * whole (access log, metrics, OpenAPI), which share this one application context.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
		"cleave.registry.etcd-api.port=0", "cleave.gateway.max-request-size=1KB" })
public abstract class OneNodeOverHttp {

	private static final HttpClient HTTP = HttpClient.newBuilder()
			.followRedirects(HttpClient.Redirect.NORMAL)
			.build();

	@LocalServerPort
	protected int port;

	@DynamicPropertySource
	static void freshDataDirectory(DynamicPropertyRegistry registry) {
		FreshDataDirectory.register(registry, "cleave-one-node-");
	}

	/** A request to {@code path} (and query) on the node. */
	protected HttpRequest.Builder request(String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
	}

	protected static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
		return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	/** A JSON {@code POST} of {@code body} to {@code path} as an authenticated user. */
	protected HttpResponse<String> postAsUser(String path, String body) throws IOException, InterruptedException {
		return send(TestCallers.asUser(request(path))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(body)));
	}

	/** A {@code GET} of {@code path} as an operator. */
	protected HttpResponse<String> getAsOperator(String path) throws IOException, InterruptedException {
		return send(TestCallers.asOperator(request(path)).GET());
	}
}
