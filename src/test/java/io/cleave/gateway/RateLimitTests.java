package io.cleave.gateway;

import static io.cleave.gateway.ProxyRoutesTests.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import io.cleave.gateway.Upstream.Behaviour;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/**
 * Rate limits per client and route over real HTTP ({@code cleave.gateway.rate-limits}: 2 requests per hour on
 * {@code /limited/one/**} and on {@code /limited/two/**}): the third request gets 429 with {@code Retry-After}, and
 * never reaches the upstream. Separate buckets per client identity: {@code bucket4j.RateLimiterTests}.
 */
class RateLimitTests extends GatewayEdgeNode {

	@Test
	void refusesTheRequestOverTheLimitWithRetryAfterAndKeepsOtherRoutesApart() throws Exception {
		try (Upstream catalog = Upstream.start(registry, "catalog", "catalog-9", Behaviour.ANSWER)) {
			HttpResponse<String> first = get("/limited/one/a");
			assertThat(first.statusCode()).isEqualTo(200);
			assertThat(first.headers().firstValue("X-RateLimit-Remaining")).hasValue("1");
			assertThat(get("/limited/one/b").statusCode()).isEqualTo(200);

			HttpResponse<String> refused = get("/limited/one/c");

			JsonNode problem = assertProblem(refused, 429);
			assertThat(problem.path("detail").asString()).contains("2 requests per PT1H", "/limited/one/**");
			// one token comes back every 30 minutes
			assertThat(refused.headers().firstValue("Retry-After").map(Long::parseLong))
					.hasValueSatisfying(seconds -> assertThat(seconds).isBetween(1L, 1800L));
			assertThat(catalog.hits()).isEqualTo(2);

			// the same client's bucket on another route is its own
			assertThat(get("/limited/two/a").statusCode()).isEqualTo(200);
			// and paths no rule names are not limited (no default limit here)
			for (int i = 0; i < 3; i++) {
				assertThat(get("/limited/three/a").statusCode()).isEqualTo(200);
			}
		}
	}
}
