package io.cleave.gateway.proxy;

import io.cleave.gateway.GatewayProperties;
import io.cleave.registry.ServiceRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.gateway.server.mvc.filter.FormFilter;
import org.springframework.cloud.gateway.server.mvc.config.GatewayMvcProperties;
import org.springframework.cloud.gateway.server.mvc.handler.ProxyExchange;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;
import org.springframework.web.servlet.function.support.RouterFunctionMapping;

/**
 * Wires Spring Cloud Gateway's proxy routes ({@code spring.cloud.gateway.server.webmvc.routes}) to Cleave: the
 * registry as the discovery client behind {@code lb://} URIs, the guarded exchange in place of the gateway's own, and
 * Cleave's route filters.
 */
@Configuration(proxyBeanMethods = false)
class ProxyConfiguration {

	@Bean
	DiscoveryClient registryDiscoveryClient(ServiceRegistry registry) {
		return new RegistryDiscoveryClient(registry);
	}

	/** Replaces the gateway's default exchange (it backs off when a {@link ProxyExchange} bean exists). */
	@Bean
	ProxyExchange guardedProxyExchange(ObjectProvider<RestClient.Builder> restClients, GatewayMvcProperties gatewayMvc,
			GatewayProperties properties) {
		return new GuardedProxyExchange(restClients, gatewayMvc, properties);
	}

	@Bean
	ProxyFilterFunctions.FilterSupplier cleaveFilterFunctionsSupplier() {
		return new ProxyFilterFunctions.FilterSupplier();
	}

	/** Where Spring Cloud Gateway's own form filter would run (it is switched off, being global). */
	@Bean
	FilterRegistrationBean<ProxiedFormBodies> proxiedFormBodies(ObjectProvider<RouterFunctionMapping> mappings) {
		FilterRegistrationBean<ProxiedFormBodies> registration = new FilterRegistrationBean<>(
				new ProxiedFormBodies(mappings));
		registration.setOrder(FormFilter.FORM_FILTER_ORDER);
		return registration;
	}

	@Bean
	ProxyProblems proxyProblems() {
		return new ProxyProblems();
	}
}
