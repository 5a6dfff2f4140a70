package io.cleave.gateway.bucket4j;

import jakarta.servlet.DispatcherType;

import io.cleave.gateway.GatewayProperties;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class RateLimitConfiguration {

	/**
	 * Right after Spring Security's filter chain ({@code SecurityProperties.DEFAULT_FILTER_ORDER}, -100), so the
	 * client identity it is counted under is the authenticated caller, not an address a whole office shares; and
	 * before Spring MVC, so a refused request costs no handler work. Unauthenticated requests the security chain
	 * refuses never reach it (they cost no upstream work either).
	 */
	static final int ORDER = -90;

	@Bean
	FilterRegistrationBean<RateLimiter> gatewayRateLimiter(GatewayProperties properties) {
		FilterRegistrationBean<RateLimiter> registration = new FilterRegistrationBean<>(
				new RateLimiter(properties.rateLimits()));
		registration.setOrder(ORDER);
		// Once per request: not again on its error, forward, include or async dispatches.
		registration.setDispatcherTypes(DispatcherType.REQUEST);
		// nothing to limit, nothing to run (its buckets' cache is only built on the first limited request anyway)
		registration.setEnabled(properties.rateLimits().defaultLimit().requests() > 0
				|| properties.rateLimits().routes().stream().anyMatch(route -> route.requests() > 0));
		return registration;
	}
}
