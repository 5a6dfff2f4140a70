package io.cleave.gateway.security;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.servlet.http.HttpServletRequest;

import io.cleave.gateway.security.GatewaySecurityProperties.Access;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.RequestPath;
import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.util.Assert;
import org.springframework.web.util.ServletRequestPathUtils;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Who may call which route: the configured rules ({@code cleave.gateway.security.routes}) first, then the built-in
 * ones, the first matching rule decides; a path no rule names needs an authenticated caller, so a resource a module
 * adds later is never public by accident.
 * <p>
 * Built in: {@code /actuator/health/**} public; the rest of {@code /actuator}, {@code /registry}, {@code /messaging}
 * (dead letters, queues) and {@code /admin} need the operator role; the API docs and Swagger UI are public on a local
 * node and need the operator role in {@code prod}; {@code /act} and {@code /api/**} need an authenticated caller.
 * <p>
 * Matching is Spring Security's {@link PathPatternRequestMatcher}'s, less its per-request work: the request's parsed
 * path is taken once (not once per pattern), patterns are matched without extracting variables, and only the rules
 * that can match the path's first segment are tried (matching every rule took about 1 µs of the edge's 41 µs of CPU
 * per request, bench/gateway.sh, profiled; this takes half as much or less); {@code RouteAccessProperties} checks that the
 * same rule is chosen.
 */
final class RouteAccess implements AuthorizationManager<RequestAuthorizationContext> {

	private static final AuthenticationTrustResolver TRUST = new AuthenticationTrustResolverImpl();

	private final List<Rule> rules;

	/**
	 * For each first path segment some rule names literally ({@code api} of {@code /api/**}), the rules that can match
	 * a path beginning with it, in their order: a request is matched against those only, not against every rule.
	 */
	private final Map<String, List<Rule>> byFirstSegment;

	/** The rules that can match a path whatever its first segment ({@code /**}, {@code /{tenant}/x}), in order. */
	private final List<Rule> anyFirstSegment;

	private final Rule fallback = new Rule(List.of(), Access.AUTHENTICATED, Set.of(), "");

	RouteAccess(List<GatewaySecurityProperties.Route> configured, boolean local) {
		List<Rule> all = new ArrayList<>();
		for (GatewaySecurityProperties.Route route : configured) {
			all.add(rule(route));
		}
		all.addAll(builtIn(local));
		this.rules = List.copyOf(all);
		this.anyFirstSegment = all.stream().filter(rule -> rule.couldStartWith(null)).toList();
		Map<String, List<Rule>> index = new HashMap<>();
		all.stream()
				.flatMap(rule -> rule.paths().stream())
				.map(Path::firstSegment)
				.filter(Objects::nonNull)
				.forEach(segment -> index.computeIfAbsent(segment,
						literal -> all.stream().filter(rule -> rule.couldStartWith(literal)).toList()));
		this.byFirstSegment = Map.copyOf(index);
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
		return new Rule(Stream.of(patterns).map(pattern -> Path.of(null, pattern)).toList(), access, authorities, "");
	}

	private static Rule rule(GatewaySecurityProperties.Route route) {
		List<Path> paths = route.methods().isEmpty() ? List.of(Path.of(null, route.path()))
				: route.methods().stream()
						.map(method -> Path.of(HttpMethod.valueOf(method.toUpperCase(Locale.ROOT)), route.path()))
						.toList();
		Set<String> authorities = Stream.concat(route.roles().stream().map(role -> Authorities.ROLE + role),
				route.scopes().stream().map(scope -> Authorities.SCOPE + scope)).collect(Collectors.toSet());
		return new Rule(paths, route.access(), authorities, " (cleave.gateway.security.routes: " + route.path() + ")");
	}

	/** Every rule, in the order they are tried. */
	List<Rule> rules() {
		return rules;
	}

	@Override
	public AuthorizationResult authorize(Supplier<? extends @Nullable Authentication> authentication,
			RequestAuthorizationContext context) {
		Rule rule = ruleFor(context.getRequest());
		return (rule == null ? fallback : rule).decide(authentication.get());
	}

	/** The first rule matching the request, as Spring Security's {@link PathPatternRequestMatcher} matches; if any. */
	@Nullable Rule ruleFor(HttpServletRequest request) {
		PathContainer path = pathWithinApplication(request);
		List<PathContainer.Element> elements = path.elements();
		List<Rule> candidates = elements.size() > 1 && elements.get(1) instanceof PathContainer.PathSegment first
				? byFirstSegment.getOrDefault(first.valueToMatch(), anyFirstSegment) : anyFirstSegment;
		String method = request.getMethod();
		for (Rule rule : candidates) {
			if (rule.matches(method, path)) {
				return rule;
			}
		}
		return null;
	}

	/** The path {@link PathPatternRequestMatcher} matches: the one parsed for this request, without the context path. */
	private static PathContainer pathWithinApplication(HttpServletRequest request) {
		if (ServletRequestPathUtils.hasParsedRequestPath(request)) {
			return ServletRequestPathUtils.getParsedRequestPath(request).pathWithinApplication();
		}
		RequestPath parsed = ServletRequestPathUtils.parseAndCache(request);
		ServletRequestPathUtils.clearParsedRequestPath(request);
		return parsed.pathWithinApplication();
	}

	/**
	 * A path pattern, optionally for one method only: what {@link PathPatternRequestMatcher.Builder#matcher} builds,
	 * matched without extracting the pattern's variables.
	 */
	record Path(@Nullable HttpMethod method, PathPattern pattern) {

		static Path of(@Nullable HttpMethod method, String pattern) {
			Assert.isTrue(pattern.startsWith("/"), "pattern must start with a /");
			return new Path(method, PathPatternParser.defaultInstance.parse(pattern));
		}

		boolean matches(String requestMethod, PathContainer path) {
			return (method == null || method.name().equals(requestMethod)) && pattern.matches(path);
		}

		/**
		 * The pattern's first segment, if it is literal text that only a path with that very first segment can match;
		 * null if it holds a wildcard, a variable or anything else.
		 */
		@Nullable String firstSegment() {
			String text = pattern.getPatternString();
			int end = text.indexOf('/', 1);
			String segment = text.substring(1, end < 0 ? text.length() : end);
			if (segment.isEmpty()) {
				return null;
			}
			for (int i = 0; i < segment.length(); i++) {
				if (!PlainUrlFirewall.isUnreserved(segment.charAt(i))) {
					return null;
				}
			}
			return segment;
		}
	}

	record Rule(List<Path> paths, Access access, Set<String> authorities, String origin) {

		boolean matches(String method, PathContainer path) {
			for (Path candidate : paths) {
				if (candidate.matches(method, path)) {
					return true;
				}
			}
			return false;
		}

		/** Whether a path whose first segment is {@code segment} (null: any other) could match one of the paths. */
		boolean couldStartWith(@Nullable String segment) {
			return paths.stream().anyMatch(path -> path.firstSegment() == null
					|| segment != null && segment.equals(path.firstSegment()));
		}

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
