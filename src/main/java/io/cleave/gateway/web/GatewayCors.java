package io.cleave.gateway.web;

import java.io.IOException;
import java.util.List;

import io.cleave.gateway.GatewayProperties;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.DefaultCorsProcessor;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.filter.CorsFilter;

/**
 * CORS for every route of the node, proxy routes included, from {@code cleave.gateway.cors}: the rules are one
 * {@link CorsConfigurationSource} bean named {@code corsConfigurationSource}, the name Spring Security's
 * {@code cors()} looks up, so a security filter chain applies the very same rules.
 */
@Configuration(proxyBeanMethods = false)
class GatewayCors {

	/**
	 * Before Spring Security's filter chain (-100): a preflight carries no credentials, so it must be answered before
	 * authentication could refuse it.
	 */
	static final int ORDER = -110;

	@Bean
	UrlBasedCorsConfigurationSource corsConfigurationSource(GatewayProperties properties) {
		UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
		List<GatewayProperties.Cors> rules = properties.cors();
		for (int i = 0; i < rules.size(); i++) {
			GatewayProperties.Cors rule = rules.get(i);
			CorsConfiguration cors = new CorsConfiguration();
			cors.setAllowedOrigins(rule.allowedOrigins());
			cors.setAllowedOriginPatterns(rule.allowedOriginPatterns());
			cors.setAllowedMethods(rule.allowedMethods());
			cors.setAllowedHeaders(rule.allowedHeaders());
			cors.setExposedHeaders(rule.exposedHeaders());
			cors.setAllowCredentials(rule.allowCredentials());
			cors.setMaxAge(rule.maxAge());
			try {
				cors.validateAllowCredentials();
				cors.validateAllowPrivateNetwork();
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException("cleave.gateway.cors[" + i + "] (" + rule.path() + "): "
						+ ex.getMessage(), ex);
			}
			// first match wins, as the rules are listed (the source keeps insertion order)
			source.registerCorsConfiguration(rule.path(), cors);
		}
		return source;
	}

	@Bean
	FilterRegistrationBean<CorsFilter> gatewayCorsFilter(CorsConfigurationSource corsConfigurationSource,
			GatewayProperties properties) {
		CorsFilter filter = new CorsFilter(corsConfigurationSource);
		filter.setCorsProcessor(new ProblemCorsProcessor());
		FilterRegistrationBean<CorsFilter> registration = new FilterRegistrationBean<>(filter);
		registration.setOrder(ORDER);
		// without rules there is nothing to allow: browsers refuse cross-origin reads on their own
		registration.setEnabled(!properties.cors().isEmpty());
		return registration;
	}

	/** Refuses a cross-origin request its rule does not allow with a problem instead of a bare text. */
	private static final class ProblemCorsProcessor extends DefaultCorsProcessor {

		@Override
		protected void rejectRequest(ServerHttpResponse response) throws IOException {
			response.setStatusCode(HttpStatus.FORBIDDEN);
			response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
			response.getBody().write(Problems.body(HttpStatus.FORBIDDEN.value(), "this cross-origin request is not"
					+ " allowed: its origin, method or headers are not among those cleave.gateway.cors allows here"));
			response.flush();
		}
	}
}
