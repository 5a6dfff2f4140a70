package io.cleave.gateway.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.servlet.http.HttpServletRequest;

import io.cleave.gateway.security.GatewaySecurityProperties.Access;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Who may call which route: the configured rules ({@code cleave.gateway.security.routes}) first, then the built-in
 * ones, the first matching rule decides; a path no rule names needs an authenticated caller, so a resource a module
 * adds later is never public by accident.
 * <p>
 * Built in: {@code /actuator/health/**} public; the rest of {@code /actuator}, {@code /registry}, {@code /messaging}
 * (dead letters, queues) and {@code /admin} need the operator role; the API docs and Swagger UI are public on a local
 * node and need the operator role in {@code prod}; {@code /act} and {@code /api/**} need an authenticated caller.
 */
final class RouteAccess implements AuthorizationManager<RequestAuthorizationContext> {

	private static final AuthenticationTrustResolver TRUST = new AuthenticationTrustResolverImpl();

	private static final PathPatternRequestMatcher.Builder PATHS = PathPatternRequestMatcher.withDefaults();

	private final List<Rule> rules;

	private final Rule fallback = new Rule(request -> true, Access.AUTHENTICATED, Set.of(), "");

	RouteAccess(List<GatewaySecurityProperties.Route> configured, boolean local) {
		List<Rule> all = new ArrayList<>();
		for (GatewaySecurityProperties.Route route : configured) {
			all.add(rule(route));
		}
		all.addAll(builtIn(local));
		this.rules = List.copyOf(all);
	}

	/** The module resources and node endpoints the gateway knows by path; modules themselves know nothing of this. */
	private static List<Rule> builtIn(boolean local) {
		Set<String> operator = Set.of(Authorities.ROLE + GatewaySecurityProperties.OPERATOR);
		List<Rule> rules = new ArrayList<>();
		rules.add(paths(Access.PUBLIC, Set.of(), "/actuator/health/**"));
		rules.add(paths(Access.AUTHENTICATED, operator, "/actuator/**", "/registry/**", "/messaging/**", "/admin/**"));
		rules.add(paths(local ? Access.PUBLIC : Access.AUTHENTICATED, local ? Set.of() : operator, "/v3/api-docs/**",
				"/swagger-ui/**", "/swagger-ui.html"));
		rules.add(paths(Access.AUTHENTICATED, Set.of(), "/act", "/api/**"));
		return rules;
	}

	private static Rule paths(Access access, Set<String> authorities, String... patterns) {
		return new Rule(new OrRequestMatcher(Stream.of(patterns).<RequestMatcher>map(PATHS::matcher).toList()), access,
				authorities, "");
	}

	private static Rule rule(GatewaySecurityProperties.Route route) {
		RequestMatcher matcher = route.methods().isEmpty() ? PATHS.matcher(route.path())
				: new OrRequestMatcher(route.methods().stream()
						.<RequestMatcher>map(method -> PATHS.matcher(HttpMethod.valueOf(method.toUpperCase(Locale.ROOT)),
								route.path()))
						.toList());
		Set<String> authorities = Stream.concat(route.roles().stream().map(role -> Authorities.ROLE + role),
				route.scopes().stream().map(scope -> Authorities.SCOPE + scope)).collect(Collectors.toSet());
		return new Rule(matcher, route.access(), authorities, " (cleave.gateway.security.routes: " + route.path() + ")");
	}

	@Override
	public AuthorizationResult authorize(Supplier<? extends @Nullable Authentication> authentication,
			RequestAuthorizationContext context) {
		HttpServletRequest request = context.getRequest();
		for (Rule rule : rules) {
			if (rule.matcher().matches(request)) {
				return rule.decide(authentication.get());
			}
		}
		return fallback.decide(authentication.get());
	}

	private record Rule(RequestMatcher matcher, Access access, Set<String> authorities, String origin) {

		Decision decide(@Nullable Authentication caller) {
			return switch (access) {
				case PUBLIC -> Decision.GRANTED;
				case DENIED -> new Decision(false, "this route is closed to every caller" + origin);
				case AUTHENTICATED -> {
					if (caller == null || !TRUST.isAuthenticated(caller)) {
						yield new Decision(false, "this route needs an authenticated caller" + origin);
					}
					if (authorities.isEmpty() || caller.getAuthorities().stream()
							.map(GrantedAuthority::getAuthority).anyMatch(authorities::contains)) {
						yield Decision.GRANTED;
					}
					yield new Decision(false, "this route needs " + needed() + "; " + caller.getName()
							+ " has none of them" + origin);
				}
			};
		}

		private String needed() {
			return authorities.stream().sorted()
					.map(authority -> authority.startsWith(Authorities.ROLE)
							? "the role '" + authority.substring(Authorities.ROLE.length()) + "'"
							: "the scope '" + authority.substring(Authorities.SCOPE.length()) + "'")
					.collect(Collectors.joining(" or "));
		}
	}

	/** An authorization decision that says, when it refuses, what the route needs. */
	static final class Decision extends AuthorizationDecision {

		static final Decision GRANTED = new Decision(true, "");

		private final String refusal;

		Decision(boolean granted, String refusal) {
			super(granted);
			this.refusal = refusal;
		}

		String refusal() {
			return refusal;
		}
	}
}
