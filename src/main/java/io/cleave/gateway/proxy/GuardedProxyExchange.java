package io.cleave.gateway.proxy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.cleave.gateway.GatewayProperties;
import io.cleave.status.Status;
import io.cleave.status.StatusProblems;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.server.mvc.common.MvcUtils;
import org.springframework.cloud.gateway.server.mvc.config.GatewayMvcProperties;
import org.springframework.cloud.gateway.server.mvc.handler.ProxyExchange;
import org.springframework.cloud.gateway.server.mvc.handler.RestClientProxyExchange;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Every proxied call, guarded: a deadline (the route's {@code Timeout}, else {@code cleave.gateway.request-timeout})
 * past which the caller gets 504, and a circuit breaker per upstream ({@code scheme://host:port}) that answers 503 at
 * once while the upstream keeps failing. The call itself is Spring Cloud Gateway's own exchange, over one JDK HTTP
 * client shared by all deadlines.
 */
final class GuardedProxyExchange implements ProxyExchange {

	private static final Logger log = LoggerFactory.getLogger(GuardedProxyExchange.class);

	/** Answers that say the upstream itself is in trouble (not the caller's request, not a missing method). */
	private static final Set<Integer> FAILING = Set.of(500, 502, 503, 504);

	private static final Duration IDLE_UPSTREAM = Duration.ofMinutes(10);

	private final ObjectProvider<RestClient.Builder> restClients;

	private final GatewayMvcProperties gatewayMvc;

	private final Duration defaultTimeout;

	private final CircuitBreakerConfig breakerConfig;

	/** Built on the first proxied call: the JDK client loads the TLS stack, a cost nodes without proxy routes skip. */
	private final SingletonSupplier<HttpClient> http;

	private final Map<Duration, ProxyExchange> byTimeout = new ConcurrentHashMap<>();

	/** Per upstream; one idle for long is dropped (a new one starts closed), so instances that left are forgotten. */
	private final SingletonSupplier<Cache<String, CircuitBreaker>> breakers;

	GuardedProxyExchange(ObjectProvider<RestClient.Builder> restClients, GatewayMvcProperties gatewayMvc,
			GatewayProperties properties) {
		this.restClients = restClients;
		this.gatewayMvc = gatewayMvc;
		this.defaultTimeout = properties.requestTimeout();
		GatewayProperties.Breaker breaker = properties.breaker();
		this.breakerConfig = CircuitBreakerConfig.custom()
				.failureRateThreshold(breaker.failureRateThreshold())
				.slidingWindowSize(breaker.slidingWindow())
				.minimumNumberOfCalls(breaker.minimumCalls())
				.waitDurationInOpenState(breaker.waitInOpenState())
				.recordResult(result -> result instanceof HttpStatusCode status && FAILING.contains(status.value()))
				.build();
		this.breakers = SingletonSupplier.of(() -> Caffeine.newBuilder()
				.expireAfterAccess(breaker.waitInOpenState().plus(IDLE_UPSTREAM))
				.maximumSize(10_000)
				.<String, CircuitBreaker>build());
		// A proxy passes redirects on rather than following them; HTTP/1.1 spares every call an h2c upgrade attempt.
		this.http = SingletonSupplier.of(() -> HttpClient.newBuilder()
				.version(HttpClient.Version.HTTP_1_1)
				.followRedirects(HttpClient.Redirect.NEVER)
				.connectTimeout(defaultTimeout)
				.build());
	}

	@Override
	public ServerResponse exchange(Request request) {
		URI uri = request.getUri();
		String upstream = uri.getScheme() + "://" + uri.getRawAuthority();
		CircuitBreaker breaker = breakers.obtain().get(upstream, name -> CircuitBreaker.of(name, breakerConfig));
		if (!breaker.tryAcquirePermission()) {
			return problem(Status.UNAVAILABLE, "upstream " + upstream + " is failing: its circuit breaker is open,"
					+ " calls are refused until it lets a trial call through");
		}
		Duration timeout = MvcUtils.getAttribute(request.getServerRequest(), ProxyFilterFunctions.TIMEOUT_ATTRIBUTE)
				instanceof Duration routeTimeout ? routeTimeout : defaultTimeout;
		long start = System.nanoTime();
		try {
			ServerResponse response = exchangeWithin(timeout).exchange(request);
			breaker.onResult(System.nanoTime() - start, TimeUnit.NANOSECONDS, response.statusCode());
			return response;
		}
		catch (RestClientException ex) {
			breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, ex);
			if (timedOut(ex)) {
				return problem(Status.DEADLINE_EXCEEDED, "upstream " + upstream + " did not answer within " + timeout);
			}
			log.debug("Upstream {} could not be reached", upstream, ex);
			return problem(Status.UNAVAILABLE, "upstream " + upstream + " could not be reached");
		}
		catch (RuntimeException ex) {
			// still an outcome for the breaker, or a half-open one would wait forever for its trial call
			breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, ex);
			throw ex;
		}
	}

	private ProxyExchange exchangeWithin(Duration timeout) {
		return byTimeout.computeIfAbsent(timeout, deadline -> {
			JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(http.obtain());
			requests.setReadTimeout(deadline);
			return new RestClientProxyExchange(restClients.getObject().requestFactory(requests).build(), gatewayMvc);
		});
	}

	private static boolean timedOut(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof HttpTimeoutException || cause instanceof java.net.SocketTimeoutException) {
				return true;
			}
		}
		return false;
	}

	static ServerResponse problem(Status status, String detail) {
		return ServerResponse.status(status.httpStatus())
				.contentType(MediaType.APPLICATION_PROBLEM_JSON)
				.body(StatusProblems.of(status, detail));
	}
}
