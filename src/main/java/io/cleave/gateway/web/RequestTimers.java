package io.cleave.gateway.web;

import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServletRequest;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.util.StringUtils;
import org.springframework.web.servlet.HandlerMapping;

/**
 * The {@code http.server.requests} timers: Spring's tags ({@code exception}, {@code method}, {@code outcome},
 * {@code status}, {@code uri}, with the values Spring's default convention gives them) plus the gateway's
 * ({@code gateway.route}: {@code rpc}, {@code act}, {@code proxy:<id>} or {@code none}; {@code rpc.service} and
 * {@code rpc.method}: the declared names, {@code UNKNOWN} for names no service declares, {@code none} off
 * {@code /api}). Each timer is registered through the meter registry once (its filters, common tags and distribution
 * settings apply as to any meter) and then found by its tags, until the registry removes it.
 */
final class RequestTimers {

	private static final Set<String> METHODS = Arrays.stream(HttpMethod.values()).map(HttpMethod::name)
			.collect(Collectors.toUnmodifiableSet());

	private final MeterRegistry registry;

	private final String name;

	private final GatewayRoutes routes;

	private final ConcurrentMap<Tags, Timer> timers = new ConcurrentHashMap<>();

	RequestTimers(MeterRegistry registry, String name, GatewayRoutes routes) {
		this.registry = registry;
		this.name = name;
		this.routes = routes;
		// A meter the registry dropped is registered afresh on its next request, as Micrometer's own lookup would.
		registry.config().onMeterRemoved(meter -> this.timers.values().remove(meter));
	}

	/** The tags of a finished request. */
	Tags tags(HttpServletRequest request, int status, @Nullable Throwable error) {
		String pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE) instanceof String p ? p
				: null;
		GatewayRoutes.RpcName rpc = this.routes.rpcName(request, pattern);
		return new Tags(exception(error), method(request.getMethod()), status, uri(pattern, status),
				GatewayRoutes.kind(request, pattern), rpc.service(), rpc.method());
	}

	void record(Tags tags, long nanos) {
		this.timers.computeIfAbsent(tags, this::register).record(nanos, TimeUnit.NANOSECONDS);
	}

	private Timer register(Tags tags) {
		Timer.Builder timer = Timer.builder(this.name);
		tags.forEach(timer::tag);
		return timer.register(this.registry);
	}

	private static String exception(@Nullable Throwable error) {
		if (error == null) {
			return "none";
		}
		String simple = error.getClass().getSimpleName();
		return StringUtils.hasText(simple) ? simple : error.getClass().getName();
	}

	private static String method(String method) {
		return METHODS.contains(method) ? method : "UNKNOWN";
	}

	private static String uri(@Nullable String pattern, int status) {
		if (pattern != null) {
			return pattern.isEmpty() ? "root" : pattern;
		}
		if (status >= 300 && status < 400) {
			return "REDIRECTION";
		}
		return status == HttpStatus.NOT_FOUND.value() ? "NOT_FOUND" : "UNKNOWN";
	}

	/** A request's tags, those of its timer and its span; {@code status} as the number, the key of its timer. */
	record Tags(String exception, String method, int status, String uri, String route, String rpcService,
			String rpcMethod) {

		/** Each tag's name and value. */
		void forEach(BiConsumer<String, String> tag) {
			tag.accept("exception", this.exception);
			tag.accept("method", this.method);
			tag.accept("outcome", outcome());
			tag.accept("status", Integer.toString(this.status));
			tag.accept("uri", this.uri);
			tag.accept("gateway.route", this.route);
			tag.accept("rpc.service", this.rpcService);
			tag.accept("rpc.method", this.rpcMethod);
		}

		/** {@code SUCCESS} for 2xx, else a known status's series ({@code CLIENT_ERROR}, …), else {@code UNKNOWN}. */
		String outcome() {
			if (this.status >= 200 && this.status < 300) {
				return "SUCCESS";
			}
			HttpStatus known = HttpStatus.resolve(this.status);
			return known == null ? "UNKNOWN" : known.series().name();
		}
	}
}
