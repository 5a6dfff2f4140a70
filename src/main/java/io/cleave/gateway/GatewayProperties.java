package io.cleave.gateway;

import java.time.Duration;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Gateway settings ({@code cleave.gateway.*}): the defaults every route starts from.
 *
 * @param maxRequestSize largest request body accepted; larger ones get 413 before they are read
 * @param requestTimeout deadline of a request's downstream call (an RPC call, an act, a proxied call unless its
 * route sets {@code Timeout}); exceeding it gets 504
 * @param bodyLimits per-route overrides of {@code maxRequestSize}, the first whose path pattern matches wins
 * @param breaker the circuit breaker kept for each upstream of the proxy routes
 * @param rateLimits requests allowed per client and route
 * @param cors cross-origin rules, the first whose path pattern matches wins; no rule, no cross-origin access
 */
@ConfigurationProperties("cleave.gateway")
public record GatewayProperties(
		@DefaultValue("1MB") @NotNull DataSize maxRequestSize,
		@DefaultValue("10s") @NotNull @DurationMin(millis = 1) Duration requestTimeout,
		@DefaultValue @NotNull List<@Valid BodyLimit> bodyLimits,
		@DefaultValue @NotNull @Valid Breaker breaker,
		@DefaultValue @NotNull @Valid RateLimits rateLimits,
		@DefaultValue @NotNull List<@Valid Cors> cors) {

	/**
	 * The body limit of the routes matching {@code path}.
	 *
	 * @param path a Spring path pattern ({@code /api/Files/**})
	 * @param maxRequestSize largest request body accepted on those routes
	 */
	public record BodyLimit(@NotBlank String path, @NotNull DataSize maxRequestSize) {
	}

	/**
	 * The circuit breaker of one upstream ({@code scheme://host:port} of a proxy route's instance): calls that could
	 * not reach it, timed out or got a 500, 502, 503 or 504 count as failures; while it is open, calls get 503 at once.
	 *
	 * @param failureRateThreshold percentage of failed calls in the window that opens it
	 * @param slidingWindow calls it judges by
	 * @param minimumCalls calls it needs before judging at all
	 * @param waitInOpenState how long it stays open before letting trial calls through
	 */
	public record Breaker(
			@DefaultValue("50") @Min(1) @Max(100) int failureRateThreshold,
			@DefaultValue("20") @Min(1) int slidingWindow,
			@DefaultValue("10") @Min(1) int minimumCalls,
			@DefaultValue("30s") @NotNull @DurationMin(millis = 1) Duration waitInOpenState) {
	}

	/**
	 * Requests allowed per client identity and route: each client has a token bucket per rule, refilled evenly over
	 * the rule's period; a request finding it empty gets 429 with {@code Retry-After}.
	 *
	 * @param defaultLimit the limit of paths no rule matches; {@code requests: 0} (the default) means none
	 * @param routes per path pattern, the first that matches wins; {@code requests: 0} exempts the path
	 * @param maxClients buckets kept at most (one per client and rule); idle ones are dropped once they would be full
	 * again anyway, the least recently used first beyond this
	 */
	public record RateLimits(
			@DefaultValue @NotNull @Valid Limit defaultLimit,
			@DefaultValue @NotNull List<@Valid RouteLimit> routes,
			@DefaultValue("100000") @Min(1) int maxClients) {
	}

	/**
	 * A rate: {@code requests} per {@code per}.
	 *
	 * @param requests requests allowed per period, also the burst allowed; 0 = no limit
	 * @param per the period
	 */
	public record Limit(@DefaultValue("0") @Min(0) long requests,
			@DefaultValue("1s") @NotNull @DurationMin(millis = 1) Duration per) {
	}

	/**
	 * The rate limit of the routes matching {@code path}.
	 *
	 * @param path a Spring path pattern ({@code /api/**}, {@code /orders/**})
	 * @param requests requests allowed per period per client, also the burst allowed; 0 = no limit
	 * @param per the period
	 */
	public record RouteLimit(@NotBlank String path, @Min(0) long requests,
			@DefaultValue("1s") @NotNull @DurationMin(millis = 1) Duration per) {
	}

	/**
	 * Which other origins may call the routes matching {@code path} from a browser (CORS).
	 *
	 * @param path a Spring path pattern
	 * @param allowedOrigins origins allowed ({@code https://shop.example.com}), or {@code *} for any
	 * @param allowedOriginPatterns origin patterns allowed ({@code https://*.example.com})
	 * @param allowedMethods methods allowed, or {@code *}
	 * @param allowedHeaders request headers allowed, or {@code *}
	 * @param exposedHeaders response headers a page may read besides the CORS-safelisted ones
	 * @param allowCredentials whether cookies and credentials go along (not with a {@code *} origin)
	 * @param maxAge how long a browser may cache a preflight's answer
	 */
	public record Cors(@NotBlank String path,
			@DefaultValue @NotNull List<String> allowedOrigins,
			@DefaultValue @NotNull List<String> allowedOriginPatterns,
			@DefaultValue({ "GET", "HEAD", "POST" }) @NotEmpty List<String> allowedMethods,
			@DefaultValue("*") @NotNull List<String> allowedHeaders,
			@DefaultValue @NotNull List<String> exposedHeaders,
			@DefaultValue("false") boolean allowCredentials,
			@DefaultValue("30m") @NotNull Duration maxAge) {
	}
}
