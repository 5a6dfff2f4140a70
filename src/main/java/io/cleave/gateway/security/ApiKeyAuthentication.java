package io.cleave.gateway.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Service accounts' API keys, sent as {@value #HEADER}: the key's SHA-256 is compared in constant time with every
 * configured hash. A request carries one credential: an API key beside a bearer token or Basic credentials is refused.
 */
final class ApiKeyAuthentication extends OncePerRequestFilter {

	static final String HEADER = "X-API-Key";

	/** OncePerRequestFilter's marker, named once rather than from the class name on every request. */
	private static final String FILTERED = ApiKeyAuthentication.class.getName() + ".FILTERED";

	private static final AuthenticationTrustResolver TRUST = new AuthenticationTrustResolverImpl();

	private final List<Account> accounts;

	private final AuthenticationEntryPoint entryPoint;

	private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

	ApiKeyAuthentication(List<GatewaySecurityProperties.ApiKey> keys, AuthenticationEntryPoint entryPoint) {
		this.accounts = keys.stream()
				.map(key -> new Account(key.name(), HexFormat.of().parseHex(key.sha256()),
						Authorities.ofRoles(key.roles())))
				.toList();
		this.entryPoint = entryPoint;
	}

	/**
	 * A request without the header goes on at once, without even the bookkeeping that keeps the filter to once per
	 * request: nearly every request, as API keys are for a few service accounts.
	 */
	@Override
	protected String getAlreadyFilteredAttributeName() {
		return FILTERED;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return request.getHeader(HEADER) == null;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		List<String> keys = Collections.list(request.getHeaders(HEADER));
		Authentication existing = contexts.getContext().getAuthentication();
		if (keys.size() > 1 || (existing != null && TRUST.isAuthenticated(existing))) {
			entryPoint.commence(request, response, new Refused("send one credential per request: one " + HEADER
					+ " header, without an Authorization header"));
			return;
		}
		Account account = find(keys.get(0).strip());
		if (account == null) {
			entryPoint.commence(request, response, new Refused("the " + HEADER + " is not a key this node knows"));
			return;
		}
		SecurityContext context = contexts.createEmptyContext();
		context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(account.name(), null,
				account.authorities()));
		contexts.setContext(context);
		chain.doFilter(request, response);
	}

	private @Nullable Account find(String key) {
		byte[] digest = sha256(key);
		Account found = null;
		// Every hash is compared, in constant time, so the answer's timing says nothing about near misses.
		for (Account account : accounts) {
			if (MessageDigest.isEqual(digest, account.sha256())) {
				found = account;
			}
		}
		return found;
	}

	static byte[] sha256(String key) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every JDK has SHA-256", ex);
		}
	}

	private record Account(String name, byte[] sha256, List<GrantedAuthority> authorities) {
	}

	/** An API key that is unknown, or sent beside another credential. */
	static final class Refused extends AuthenticationException {

		Refused(String message) {
			super(message);
		}
	}
}
