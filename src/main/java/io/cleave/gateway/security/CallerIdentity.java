package io.cleave.gateway.security;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.cleave.gateway.web.ClientIdentity;

import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Once a request has authenticated, names its caller for every gateway concern ({@link ClientIdentity}): the token's
 * subject, the operator's or the API key's name. Runs before authorization, so refused callers are named too.
 */
final class CallerIdentity extends OncePerRequestFilter {

	private static final AuthenticationTrustResolver TRUST = new AuthenticationTrustResolverImpl();

	private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		Authentication caller = contexts.getContext().getAuthentication();
		if (caller != null && TRUST.isAuthenticated(caller)) {
			ClientIdentity.set(request, caller.getName());
		}
		chain.doFilter(request, response);
	}
}
