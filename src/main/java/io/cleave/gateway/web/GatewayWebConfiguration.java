package io.cleave.gateway.web;

import java.util.List;

import io.cleave.gateway.GatewayProperties;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

@Configuration(proxyBeanMethods = false)
class GatewayWebConfiguration {

	/**
	 * Ahead of every other filter, so that no filter reads a body before its limit applies. The registry's REST API
	 * keeps its own limit ({@code cleave.registry.limits.request-size}, etcd's), enforced by the registry.
	 */
	@Bean
	FilterRegistrationBean<RequestBodyLimit> gatewayRequestBodyLimit(GatewayProperties properties) {
		FilterRegistrationBean<RequestBodyLimit> registration = new FilterRegistrationBean<>(
				new RequestBodyLimit(properties, List.of("/registry/**")));
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
		return registration;
	}

	@Bean
	FilterRegistrationBean<MediaTypeHeaders> gatewayMediaTypeHeaders() {
		FilterRegistrationBean<MediaTypeHeaders> registration = new FilterRegistrationBean<>(new MediaTypeHeaders());
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 11);
		return registration;
	}
}
