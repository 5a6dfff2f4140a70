package io.cleave.gateway.web;

import io.cleave.gateway.GatewayProperties;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

@Configuration(proxyBeanMethods = false)
class GatewayWebConfiguration {

	/** Ahead of every other filter, so that no filter reads a body before its limit applies. */
	@Bean
	FilterRegistrationBean<RequestBodyLimit> gatewayRequestBodyLimit(GatewayProperties properties) {
		FilterRegistrationBean<RequestBodyLimit> registration = new FilterRegistrationBean<>(
				new RequestBodyLimit(properties));
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
		return registration;
	}
}
