package io.cleave.gateway.bucket4j;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.cleave.gateway.GatewayProperties;
import io.cleave.gateway.web.ClientIdentity;
import io.cleave.gateway.web.Problems;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.PathContainer;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.util.ServletRequestPathUtils;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Rate limits per client identity ({@link ClientIdentity}) and route: the first rule whose path pattern matches the
 * request (else the default limit) names the bucket, so a client has one bucket per rule. A request that finds its
 * bucket empty gets 429 with {@code Retry-After} (whole seconds until a token is back); an allowed one carries
 * {@code X-RateLimit-Remaining}. Buckets live in memory only, per node.
 * <p>
 * A plain filter, registered for the request dispatch only ({@link RateLimitConfiguration}), which is what a
 * once-per-request filter amounts to without its bookkeeping (three request attribute operations per request).
 */
final class RateLimiter extends HttpFilter {

	static final String REMAINING = "X-RateLimit-Remaining";

	private final List<Rule> rules;

	private final @Nullable Rule fallback;

	/**
	 * A bucket left alone for its rule's whole period is full again, exactly as a new one would be: dropping it then
	 * loses nothing, which is what bounds memory to the clients active within the longest period (and maxClients).
	 */
	private final SingletonSupplier<Cache<Key, Bucket>> buckets;

	RateLimiter(GatewayProperties.RateLimits limits) {
		List<Rule> parsed = new ArrayList<>();
		for (int i = 0; i < limits.routes().size(); i++) {
			GatewayProperties.RouteLimit route = limits.routes().get(i);
			parsed.add(new Rule(parse(route.path(), "cleave.gateway.rate-limits.routes[" + i + "].path"),
					route.path(), route.requests(), route.per()));
		}
		this.rules = List.copyOf(parsed);
		GatewayProperties.Limit defaultLimit = limits.defaultLimit();
		this.fallback = defaultLimit.requests() == 0 ? null
				: new Rule(PathPatternParser.defaultInstance.parse("/**"), "default", defaultLimit.requests(),
						defaultLimit.per());
		Duration longest = Stream.concat(rules.stream(), Stream.ofNullable(fallback))
				.map(Rule::per)
				.max(Duration::compareTo)
				.orElse(Duration.ofSeconds(1));
		this.buckets = SingletonSupplier.of(() -> Caffeine.newBuilder()
				.executor(Runnable::run) // its upkeep takes less than handing it to another thread for each request
				.expireAfterAccess(longest)
				.maximumSize(limits.maxClients())
				.<Key, Bucket>build());
	}

	@Override
	protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		Rule rule = ruleFor(request);
		if (rule == null || rule.requests() == 0) {
			chain.doFilter(request, response);
			return;
		}
		String client = ClientIdentity.of(request);
		Bucket bucket = buckets.obtain().get(new Key(client, rule.name()), key -> rule.newBucket());
		ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
		if (probe.isConsumed()) {
			response.setHeader(REMAINING, Long.toString(probe.getRemainingTokens()));
			chain.doFilter(request, response);
			return;
		}
		long retryAfter = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999) / 1_000_000_000);
		response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
		response.setHeader(REMAINING, "0");
		Problems.write(response, HttpStatus.TOO_MANY_REQUESTS.value(), "rate limit of " + rule.requests()
				+ " requests per " + rule.per() + " exceeded for " + client + " on " + rule.name() + "; retry after "
				+ retryAfter + " s");
	}

	private @Nullable Rule ruleFor(HttpServletRequest request) {
		if (rules.isEmpty()) {
			return fallback; // no path to look at
		}
		PathContainer path = ServletRequestPathUtils.hasParsedRequestPath(request)
				// parsed already for this request by Spring Security's and Spring MVC's matching
				? ServletRequestPathUtils.getParsedRequestPath(request).pathWithinApplication()
				: PathContainer.parsePath(request.getRequestURI().substring(request.getContextPath().length()));
		for (Rule rule : rules) {
			if (rule.pattern().matches(path)) {
				return rule;
			}
		}
		return fallback;
	}

	private static PathPattern parse(String pattern, String property) {
		try {
			return PathPatternParser.defaultInstance.parse(pattern);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(property + " '" + pattern + "' is not a valid path pattern: "
					+ ex.getMessage(), ex);
		}
	}

	private record Rule(PathPattern pattern, String name, long requests, Duration per) {

		Bucket newBucket() {
			return Bucket.builder()
					.addLimit(Bandwidth.builder().capacity(requests).refillGreedy(requests, per).build())
					.build();
		}
	}

	private record Key(String client, String rule) {
	}
}
