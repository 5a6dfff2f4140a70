package io.cleave.gateway.proxy;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.cleave.gateway.web.Problems;

import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.web.client.HttpStatusCodeException;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.function.HandlerFunction;

/**
 * The failures Spring Cloud Gateway's own route filters raise as exceptions (the load balancer's "no instance" 503)
 * as problem details with their status: controller advice does not reach functional routes, and left alone they
 * would end as a 500.
 */
final class ProxyProblems implements HandlerExceptionResolver, Ordered {

	@Override
	public @Nullable ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response,
			@Nullable Object handler, Exception ex) {
		if (!(handler instanceof HandlerFunction<?>) || !(ex instanceof HttpStatusCodeException status)) {
			return null;
		}
		try {
			// the gateway's texts ("Unable to find instance for catalog") name a service, never a Java type
			Problems.write(response, status.getStatusCode().value(), status.getStatusText());
		}
		catch (IOException writeFailed) {
			return null;
		}
		return new ModelAndView();
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}
}
