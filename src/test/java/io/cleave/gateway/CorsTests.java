package io.cleave.gateway;

import static io.cleave.gateway.ProxyRoutesTests.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.cleave.gateway.Upstream.Behaviour;

import org.junit.jupiter.api.Test;

/**
 * CORS from {@code cleave.gateway.cors} on proxy routes and the node's own routes: preflights answered (never
 * forwarded), disallowed origins refused with a problem.
 */
class CorsTests extends GatewayEdgeNode {

	@Test
	void answersAnAllowedPreflightOnAProxyRouteWithoutForwardingIt() throws Exception {
		try (Upstream catalog = Upstream.start(registry, "catalog", "catalog-7", Behaviour.ANSWER)) {
			HttpResponse<String> response = send(preflight("/catalog/items", "https://shop.example.com", "POST")
					.header("Access-Control-Request-Headers", "content-type"));

			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://shop.example.com");
			assertThat(response.headers().firstValue("Access-Control-Allow-Methods")).hasValue("GET,POST");
			assertThat(response.headers().firstValue("Access-Control-Allow-Headers")).hasValue("content-type");
			assertThat(response.headers().firstValue("Access-Control-Max-Age")).hasValue("600");
			assertThat(response.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
			assertThat(catalog.hits()).isZero();
		}
	}

	@Test
	void marksAnAllowedCrossOriginCallThroughAProxyRoute() throws Exception {
		try (Upstream catalog = Upstream.start(registry, "catalog", "catalog-7", Behaviour.ANSWER)) {
			HttpResponse<String> response = send(request("/catalog/items").header("Origin", "https://shop.example.com"));

			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://shop.example.com");
			assertThat(response.body()).isEqualTo("catalog-7 /items");
		}
	}

	@Test
	void refusesAPreflightFromAnOriginNotAllowed() throws Exception {
		assertProblem(send(preflight("/catalog/items", "https://evil.example.org", "GET")), 403);
	}

	@Test
	void refusesAPreflightForAMethodOrHeaderNotAllowed() throws Exception {
		assertProblem(send(preflight("/catalog/items", "https://shop.example.com", "DELETE")), 403);
		assertProblem(send(preflight("/catalog/items", "https://shop.example.com", "GET")
				.header("Access-Control-Request-Headers", "x-secret")), 403);
	}

	@Test
	void refusesACrossOriginCallFromAnOriginNotAllowedWithoutForwardingIt() throws Exception {
		try (Upstream catalog = Upstream.start(registry, "catalog", "catalog-7", Behaviour.ANSWER)) {
			HttpResponse<String> response = send(request("/catalog/items").header("Origin", "https://evil.example.org"));

			assertProblem(response, 403);
			assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
			assertThat(catalog.hits()).isZero();
		}
	}

	@Test
	void appliesToTheNodesOwnRoutesWithOriginPatternsAndCredentials() throws Exception {
		HttpResponse<String> response = send(preflight("/act", "https://admin.example.com", "POST"));

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://admin.example.com");
		assertThat(response.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");
		assertProblem(send(preflight("/act", "https://example.org", "POST")), 403);
	}

	@Test
	void givesNoCrossOriginAccessWhereNoRuleApplies() throws Exception {
		HttpResponse<String> response = send(preflight("/api/Sleeper/Sleep", "https://shop.example.com", "POST"));

		assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
	}

	private HttpRequest.Builder preflight(String path, String origin, String method) {
		return request(path).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
				.header("Origin", origin)
				.header("Access-Control-Request-Method", method);
	}
}
