package io.cleave.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpMethod;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.web.util.ServletRequestPathUtils;

/**
 * Route access picks, for any request, the rule Spring Security's {@link PathPatternRequestMatcher}s would: the first
 * whose method and path pattern match, whichever rules are configured.
 */
class RouteAccessProperties {

	@Property(tries = 3000)
	void choosesTheFirstRuleSpringSecuritysMatchersWouldMatch(@ForAll("routes") List<GatewaySecurityProperties.Route> routes,
			@ForAll boolean local, @ForAll("methods") String method, @ForAll("paths") String path,
			@ForAll boolean contextPath, @ForAll boolean parsedAlready) {
		RouteAccess access = new RouteAccess(routes, local);
		MockHttpServletRequest request = new MockHttpServletRequest(method, (contextPath ? "/ctx" : "") + path);
		request.setContextPath(contextPath ? "/ctx" : "");
		if (parsedAlready) {
			ServletRequestPathUtils.parseAndCache(request);
		}

		assertThat(access.ruleFor(request)).isSameAs(expected(access, request));
	}

	private static RouteAccess.@Nullable Rule expected(RouteAccess access, MockHttpServletRequest request) {
		for (RouteAccess.Rule rule : access.rules()) {
			for (RouteAccess.Path path : rule.paths()) {
				if (PathPatternRequestMatcher.withDefaults()
						.matcher(path.method(), path.pattern().getPatternString())
						.matches(request)) {
					return rule;
				}
			}
		}
		return null;
	}

	@Provide
	Arbitrary<List<GatewaySecurityProperties.Route>> routes() {
		Arbitrary<String> pattern = Arbitraries.of("/api/Audit/**", "/api/Open/**", "/api/{service}/Ping", "/**",
				"/act", "/Act", "/a*/x", "/registry/services", "/{tenant}/api/**", "/api", "/api/", "/actuator/info",
				"/v3/api-docs/**", "/x.y/**", "/{*rest}", "/", "/api/*");
		Arbitrary<List<String>> methods = Arbitraries.of(List.<String>of(), List.of("GET"), List.of("post", "PUT"));
		Arbitrary<GatewaySecurityProperties.Access> accessArbitrary = Arbitraries.of(
				GatewaySecurityProperties.Access.class);
		return Combinators.combine(pattern, methods, accessArbitrary)
				.as((path, verbs, what) -> new GatewaySecurityProperties.Route(path, verbs, what, List.of(), List.of()))
				.list()
				.ofMaxSize(4);
	}

	@Provide
	Arbitrary<String> methods() {
		return Arbitraries.of(HttpMethod.GET.name(), HttpMethod.POST.name(), HttpMethod.PUT.name(), "OPTIONS");
	}

	@Provide
	Arbitrary<String> paths() {
		Arbitrary<String> segment = Arbitraries.frequencyOf(
				Tuple.of(5, Arbitraries.of("api", "act", "Act", "ACT", "actuator", "health", "info", "registry",
						"services", "messaging", "admin", "v3", "api-docs", "swagger-ui", "swagger-ui.html", "Audit",
						"Open", "Ping", "x.y", "x", "tenant", "")),
				Tuple.of(1, Arbitraries.of("%61ct", "%61pi", "ap%69", "a%2Fb", "api;v=1", "%20", "a b")),
				Tuple.of(1, Arbitraries.strings().withChars("aAx./").ofMaxLength(4)));
		return Combinators.combine(segment.list().ofMaxSize(4), Arbitraries.of("", "/"))
				.as((segments, end) -> segments.isEmpty() ? end : "/" + String.join("/", segments) + end);
	}
}
