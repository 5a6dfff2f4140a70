package io.cleave.gateway.security;

import java.io.IOException;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;

import io.cleave.gateway.web.ClientIdentity;

import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;

/**
 * Once a request has authenticated, names its caller for every gateway concern ({@link ClientIdentity}): the token's
 * subject, the operator's or the API key's name. Runs before authorization, so refused callers are named too. A plain
 * filter rather than a once-per-request one: naming the caller again on a nested (error, forward) dispatch of the
 * same request sets the same name, so the once-per-request bookkeeping (two request attribute writes) bought nothing.
 */
final class CallerIdentity implements Filter {

	private static final AuthenticationTrustResolver TRUST = new AuthenticationTrustResolverImpl();

	private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		Authentication caller = contexts.getContext().getAuthentication();
		if (caller != null && TRUST.isAuthenticated(caller)) {
			ClientIdentity.set((HttpServletRequest) request, caller.getName());
		}
		chain.doFilter(request, response);
	}
}
