package io.cleave.gateway.web;

import io.cleave.rpc.RpcMethods;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.server.observation.ServerRequestObservationConvention;

/** The gateway's access log and the tags it adds to {@code http.server.requests}. */
@Configuration(proxyBeanMethods = false)
class ObservabilityConfiguration {

	/**
	 * Outermost of the node's filters: it times and logs what every other filter (security, limits) answered. It
	 * reads the trace id from the observation Boot's observation filter (next inside) made, after it returns.
	 */
	@Bean
	FilterRegistrationBean<AccessLog> gatewayAccessLog() {
		FilterRegistrationBean<AccessLog> registration = new FilterRegistrationBean<>(new AccessLog());
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}

	@Bean
	ServerRequestObservationConvention gatewayRequestObservations(RpcMethods rpc) {
		return new GatewayRequestObservations(new GatewayRoutes(rpc));
	}
}
