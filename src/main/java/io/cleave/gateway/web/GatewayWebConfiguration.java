package io.cleave.gateway.web;

import java.util.List;

import io.cleave.gateway.GatewayProperties;
import io.cleave.registry.RegistryProperties;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

@Configuration(proxyBeanMethods = false)
class GatewayWebConfiguration {

	/**
	 * Ahead of every other filter, so that no filter reads a body before its limit applies. The registry's REST API
	 * gets the registry's request limit ({@code cleave.registry.limits.request-size}, etcd's, the same on all its
	 * entrances) unless {@code cleave.gateway.body-limits} names it.
	 */
	@Bean
	FilterRegistrationBean<RequestBodyLimit> gatewayRequestBodyLimit(GatewayProperties properties,
			RegistryProperties registry) {
		FilterRegistrationBean<RequestBodyLimit> registration = new FilterRegistrationBean<>(
				new RequestBodyLimit(properties, List.of(new RequestBodyLimit.ModuleLimit("/registry/**",
						registry.limits().requestSize().toBytes(), "cleave.registry.limits.request-size"))));
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
		return registration;
	}

	/** Not in a node started without a web server (no Spring MVC there). */
	@Bean
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	GatewayHandlerMapping gatewayHandlerMapping(
			@Qualifier("requestMappingHandlerMapping") RequestMappingHandlerMapping mappings) {
		return new GatewayHandlerMapping(mappings);
	}

	@Bean
	FilterRegistrationBean<MediaTypeHeaders> gatewayMediaTypeHeaders() {
		FilterRegistrationBean<MediaTypeHeaders> registration = new FilterRegistrationBean<>(new MediaTypeHeaders());
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 11);
		return registration;
	}
}
