package io.cleave.registry.web;

import io.cleave.registry.RegistryProperties;

import org.apache.catalina.connector.Connector;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
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

	/**
	 * Tomcat answers {@code Expect: 100-continue} at once by default, inviting a body the limit then refuses: answer
	 * it only when the application reads, so a body over the limit is never sent at all.
	 */
	@Bean
	@ConditionalOnClass(Connector.class)
	TomcatConnectorCustomizer continueOnlyWhenTheBodyIsRead() {
		return connector -> connector.setProperty("continueResponseTiming", "onRead");
	}
}
