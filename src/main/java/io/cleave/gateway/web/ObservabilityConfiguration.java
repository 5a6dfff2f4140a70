package io.cleave.gateway.web;

import io.cleave.rpc.RpcMethods;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.ServerHttpObservationFilter;

/** Each request's span, {@code http.server.requests} timer and access line. */
@Configuration(proxyBeanMethods = false)
class ObservabilityConfiguration {

	/**
	 * Outermost of the node's filters: it times, traces and logs what every other filter (security, limits) answered.
	 * Spans come from the tracing adapter ({@code gateway.opentelemetry}), none without it; the timer's name is Boot's
	 * {@code management.observations.http.server.requests.name}.
	 * Typed as Spring's observation filter, which it replaces, so that Boot registers none of its own.
	 */
	@Bean
	FilterRegistrationBean<ServerHttpObservationFilter> gatewayRequestObservation(MeterRegistry meters,
			ObservationProperties observations, ObjectProvider<RequestSpans> tracing, RpcMethods rpc) {
		RequestSpans spans = tracing.getIfAvailable(RequestSpans::none);
		RequestTimers timers = new RequestTimers(meters, observations.getHttp().getServer().getRequests().getName(),
				new GatewayRoutes(rpc));
		FilterRegistrationBean<ServerHttpObservationFilter> registration = new FilterRegistrationBean<>(
				new RequestObservation(timers, spans));
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}
}
