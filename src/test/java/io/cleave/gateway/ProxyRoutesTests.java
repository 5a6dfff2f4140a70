package io.cleave.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import io.cleave.gateway.Upstream.Behaviour;
import io.cleave.registry.ServiceInstance;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.cloud.gateway.server.mvc.filter.WeightCalculatorFilter;
import org.springframework.web.context.WebApplicationContext;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Proxy routes declared in configuration ({@code spring.cloud.gateway.server.webmvc.routes}, {@code lb://} URIs) to
 * real HTTP services registered in the registry: prefixes stripped, calls spread over the live instances, deadlines
 * and circuit breakers answered as problems.
 */
class ProxyRoutesTests extends GatewayEdgeNode {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void drawsWeightGroupsForTheRoutes(@Autowired WebApplicationContext context) {
		assertThat(context.getServletContext()).isNotNull();
		assertThat(context.getServletContext().getFilterRegistrations().values())
				.anySatisfy(filter -> assertThat(filter.getClassName()).isEqualTo(WeightCalculatorFilter.class.getName()));
	}

	@Test
	void reachesAnInstanceWithThePrefixStripped() throws Exception {
		try (Upstream catalog = Upstream.start(registry, "catalog", "catalog-1", Behaviour.ANSWER)) {
			HttpResponse<String> response = get("/catalog/items/7?sort=price");

			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.body()).isEqualTo("catalog-1 /items/7?sort=price");
			assertThat(catalog.hits()).isEqualTo(1);
		}
	}

	@Test
	void passesRequestBodiesThroughAsSentFormsIncluded() throws Exception {
		try (Upstream catalog = Upstream.start(registry, "catalog", "catalog-1", Behaviour.ANSWER)) {
			HttpResponse<String> json = send(request("/catalog/items").header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"tea\"}")));
			HttpResponse<String> form = send(request("/catalog/items")
					.header("Content-Type", "application/x-www-form-urlencoded")
					.POST(HttpRequest.BodyPublishers.ofString("name=tea&price=3")));

			assertThat(json.body()).isEqualTo("catalog-1 /items {\"name\":\"tea\"}");
			assertThat(form.body()).isEqualTo("catalog-1 /items name=tea&price=3");
		}
	}

	@Test
	void aProxyRouteUnderApiWinsOverTheRpcRoute() throws Exception {
		try (Upstream catalog = Upstream.start(registry, "catalog", "catalog-1", Behaviour.ANSWER)) {
			HttpResponse<String> response = send(request("/api/Legacy/Query").header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"k\"}")));

			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.body()).isEqualTo("catalog-1 /api/Legacy/Query {\"key\":\"k\"}");
		}
	}

	@Test
	void leavesTheBodiesOfTheNodesOwnRoutesAloneWhateverTheirType() throws Exception {
		// curl -d sends form-encoded by default; /api reads the body as JSON all the same (here: read, then validated)
		HttpResponse<String> response = send(request("/api/DB/Query")
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"\"}")));

		JsonNode problem = assertProblem(response, 400);
		assertThat(problem.path("detail").asString()).isEqualTo("key: must not be blank");
	}

	@Test
	void rewritesThePathAsTheRouteSays() throws Exception {
		try (Upstream catalog = Upstream.start(registry, "catalog", "catalog-1", Behaviour.ANSWER)) {
			assertThat(get("/limited/three/x").body()).isEqualTo("catalog-1 /rewritten/three/x");
		}
	}

	@Test
	void spreadsCallsOverEveryLiveInstance() throws Exception {
		try (Upstream first = Upstream.start(registry, "spread", "spread-1", Behaviour.ANSWER);
				Upstream second = Upstream.start(registry, "spread", "spread-2", Behaviour.ANSWER)) {
			for (int i = 0; i < 10; i++) {
				assertThat(get("/spread/ping").statusCode()).isEqualTo(200);
			}

			assertThat(first.hits()).isPositive();
			assertThat(second.hits()).isPositive();
			assertThat(first.hits() + second.hits()).isEqualTo(10);
		}
	}

	@Test
	void sendsNothingToInstancesWithoutAnHttpAddressOrWithoutWeight() throws Exception {
		int closedPort = Upstream.closedPort();
		registry.registerWithNode(new ServiceInstance("catalog", "grpc-only",
				Map.of("grpc", URI.create("http://127.0.0.1:" + closedPort)), null, null, 100, Map.of()));
		registry.registerWithNode(new ServiceInstance("catalog", "drained",
				Map.of("http", URI.create("http://127.0.0.1:" + closedPort)), null, null, 0, Map.of()));
		try (Upstream catalog = Upstream.start(registry, "catalog", "catalog-2", Behaviour.ANSWER)) {
			await().until(() -> registry.instances("catalog").size() == 3);

			for (int i = 0; i < 4; i++) {
				assertThat(get("/catalog/x").body()).isEqualTo("catalog-2 /x");
			}
		}
		finally {
			registry.deregister("catalog", "grpc-only");
			registry.deregister("catalog", "drained");
		}
	}

	@Test
	void stopsSendingToAnInstanceThatLeftTheRegistry() throws Exception {
		try (Upstream staying = Upstream.start(registry, "spread", "spread-3", Behaviour.ANSWER);
				Upstream leaving = Upstream.start(registry, "spread", "spread-4", Behaviour.ANSWER)) {
			leaving.deregister(); // returns once discovery no longer lists it
			int before = leaving.hits();

			for (int i = 0; i < 6; i++) {
				assertThat(get("/spread/ping").body()).isEqualTo("spread-3 /ping");
			}
			assertThat(leaving.hits()).isEqualTo(before);
			assertThat(staying.hits()).isEqualTo(6);
		}
	}

	@Test
	void answers504WhenTheUpstreamIsSlowerThanTheRouteTimeout() throws Exception {
		try (Upstream slow = Upstream.start(registry, "slow", "slow-1", Behaviour.HANG)) {
			long start = System.nanoTime();
			HttpResponse<String> response = get("/slow/report");
			Duration took = Duration.ofNanos(System.nanoTime() - start);

			JsonNode problem = assertProblem(response, 504);
			assertThat(problem.path("code").asString()).isEqualTo("DEADLINE_EXCEEDED");
			assertThat(problem.path("detail").asString()).contains("did not answer within PT0.3S");
			// the route's Timeout (300ms), not the node's request-timeout (10s)
			assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(Duration.ofSeconds(5));
			assertThat(slow.hits()).isEqualTo(1);
		}
	}

	@Test
	void opensTheBreakerOfAFailingUpstreamAndThenAnswers503WithoutCallingIt() throws Exception {
		try (Upstream failing = Upstream.start(registry, "failing", "failing-1", Behaviour.FAIL)) {
			// the upstream's own 500s pass through, and count against it (window of 2, 50%)
			assertThat(get("/failing/x").statusCode()).isEqualTo(500);
			assertThat(get("/failing/x").statusCode()).isEqualTo(500);

			JsonNode problem = assertProblem(get("/failing/x"), 503);
			assertThat(problem.path("code").asString()).isEqualTo("UNAVAILABLE");
			assertThat(problem.path("detail").asString()).contains("circuit breaker is open");
			assertThat(failing.hits()).isEqualTo(2);
		}
	}

	@Test
	void answers503WhenTheInstanceCannotBeReached() throws Exception {
		int closedPort = Upstream.closedPort();
		registry.registerWithNode(new ServiceInstance("unreachable", "gone-1",
				Map.of("http", URI.create("http://127.0.0.1:" + closedPort)), null, null, 100, Map.of()));
		try {
			await().until(() -> !registry.instances("unreachable").isEmpty());

			JsonNode problem = assertProblem(get("/unreachable/x"), 503);
			assertThat(problem.path("detail").asString()).isEqualTo(
					"upstream http://127.0.0.1:" + closedPort + " could not be reached");
		}
		finally {
			registry.deregister("unreachable", "gone-1");
		}
	}

	@Test
	void answers503WhenTheServiceHasNoInstance() throws Exception {
		JsonNode problem = assertProblem(get("/nowhere/x"), 503);

		assertThat(problem.path("detail").asString()).contains("nowhere");
	}

	static JsonNode assertProblem(HttpResponse<String> response, int status) throws IOException {
		assertThat(response.statusCode()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		JsonNode problem = JSON.readTree(response.body());
		assertThat(problem.path("status").asInt()).isEqualTo(status);
		assertThat(response.body()).doesNotContain("Exception", "at org.", "at io.");
		return problem;
	}
}
