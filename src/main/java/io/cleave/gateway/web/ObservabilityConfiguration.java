package io.cleave.gateway.web;

import io.cleave.rpc.RpcMethods;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import io.opentelemetry.api.OpenTelemetry;

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
	 * Spans go to Boot's OpenTelemetry unless tracing is off ({@code management.tracing.enabled=false} leaves
	 * Micrometer's no-op tracer); the timer's name is Boot's {@code management.observations.http.server.requests.name}.
	 * Typed as Spring's observation filter, which it replaces, so that Boot registers none of its own.
	 */
	@Bean
	FilterRegistrationBean<ServerHttpObservationFilter> gatewayRequestObservation(MeterRegistry meters,
			ObservationProperties observations, ObjectProvider<Tracer> tracer,
			ObjectProvider<OpenTelemetry> openTelemetry, RpcMethods rpc) {
		Tracer micrometer = tracer.getIfAvailable();
		OpenTelemetry sdk = openTelemetry.getIfAvailable();
		RequestSpans spans = micrometer == null || micrometer == Tracer.NOOP || sdk == null ? RequestSpans.none()
				: RequestSpans.of(sdk);
		RequestTimers timers = new RequestTimers(meters, observations.getHttp().getServer().getRequests().getName(),
				new GatewayRoutes(rpc));
		FilterRegistrationBean<ServerHttpObservationFilter> registration = new FilterRegistrationBean<>(
				new RequestObservation(timers, spans));
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}
}
