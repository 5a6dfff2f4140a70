package io.cleave.gateway.bucket4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.List;

import io.cleave.gateway.GatewayProperties;
import io.cleave.gateway.web.ClientIdentity;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** The rate limiter's buckets: one per client identity and rule, a default for the rest, Retry-After when empty. */
class RateLimiterTests {

	private final RateLimiter limiter = new RateLimiter(new GatewayProperties.RateLimits(
			new GatewayProperties.Limit(3, Duration.ofMinutes(1)),
			List.of(new GatewayProperties.RouteLimit("/api/Orders/**", 1, Duration.ofSeconds(10)),
					new GatewayProperties.RouteLimit("/actuator/health/**", 0, Duration.ofSeconds(1))),
			1000));

	@Test
	void keepsOneBucketPerClientIdentity() throws Exception {
		assertThat(call("alice", "/api/Orders/Place").getStatus()).isEqualTo(200);
		assertThat(call("alice", "/api/Orders/Place").getStatus()).isEqualTo(429);

		assertThat(call("bob", "/api/Orders/Place").getStatus()).isEqualTo(200);
	}

	@Test
	void keepsOneBucketPerRouteAndLimitsTheRestByTheDefault() throws Exception {
		assertThat(call("carol", "/api/Orders/Place").getStatus()).isEqualTo(200);
		assertThat(call("carol", "/api/Orders/Cancel").getStatus()).isEqualTo(429);

		// the default limit: one bucket for every path no rule matches
		assertThat(call("carol", "/act").getStatus()).isEqualTo(200);
		assertThat(call("carol", "/api/Catalog/Find").getStatus()).isEqualTo(200);
		assertThat(call("carol", "/registry/services").getStatus()).isEqualTo(200);
		assertThat(call("carol", "/act").getStatus()).isEqualTo(429);
	}

	@Test
	void answersRetryAfterInWholeSecondsUntilATokenIsBack() throws Exception {
		call("dave", "/api/Orders/Place");

		MockHttpServletResponse refused = call("dave", "/api/Orders/Place");

		assertThat(refused.getStatus()).isEqualTo(429);
		assertThat(refused.getContentType()).isEqualTo("application/problem+json");
		assertThat(Long.parseLong(refused.getHeader("Retry-After"))).isBetween(9L, 10L);
		assertThat(refused.getContentAsString()).contains("rate limit of 1 requests per PT10S exceeded for dave");
	}

	@Test
	void letsARuleWithoutRequestsExemptItsPaths() throws Exception {
		for (int i = 0; i < 10; i++) {
			assertThat(call("erin", "/actuator/health/readiness").getStatus()).isEqualTo(200);
		}
	}

	@Test
	void countsAnonymousCallersByAddress() throws Exception {
		MockHttpServletRequest first = new MockHttpServletRequest("GET", "/api/Orders/Place");
		first.setRemoteAddr("192.0.2.1");
		MockHttpServletRequest second = new MockHttpServletRequest("GET", "/api/Orders/Place");
		second.setRemoteAddr("192.0.2.2");

		assertThat(call(first).getStatus()).isEqualTo(200);
		assertThat(call(second).getStatus()).isEqualTo(200);
		assertThat(call(first).getStatus()).isEqualTo(429);
	}

	@Test
	void namesTheSettingOfAnInvalidPathPattern() {
		assertThatIllegalArgumentException().isThrownBy(() -> new RateLimiter(new GatewayProperties.RateLimits(
				new GatewayProperties.Limit(0, Duration.ofSeconds(1)),
				List.of(new GatewayProperties.RouteLimit("/api/{x", 1, Duration.ofSeconds(1))), 10)))
				.withMessageStartingWith("cleave.gateway.rate-limits.routes[0].path '/api/{x' is not a valid path pattern");
	}

	private MockHttpServletResponse call(String client, String path) throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
		ClientIdentity.set(request, client);
		return call(request);
	}

	private MockHttpServletResponse call(MockHttpServletRequest request) throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		limiter.doFilter(request, response, new MockFilterChain());
		return response;
	}
}
