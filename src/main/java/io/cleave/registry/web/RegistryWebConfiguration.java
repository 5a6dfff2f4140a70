package io.cleave.registry.web;

import io.cleave.registry.RegistryProperties;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The REST API's own body limit, the registry's request limit; the gateway's node-wide limit comes on top. */
@Configuration(proxyBeanMethods = false)
class RegistryWebConfiguration {

	@Bean
	FilterRegistrationBean<RequestBodyLimit> registryRequestBodyLimit(RegistryProperties properties) {
		FilterRegistrationBean<RequestBodyLimit> registration = new FilterRegistrationBean<>(
				new RequestBodyLimit(properties.limits().requestSize().toBytes()));
		registration.addUrlPatterns("/registry/*");
		return registration;
	}
}
