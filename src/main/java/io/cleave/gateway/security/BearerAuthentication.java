package io.cleave.gateway.security;

import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Spring's {@link JwtAuthenticationProvider} over {@link VerifiedTokens}, taking a kept token's authorities from the
 * cache instead of reading its claims again, and answering on its own rather than through the chain's provider
 * manager (which would try each provider in turn and publish an authentication event per request that nothing
 * here listens to). Each request still gets an authentication of its own, carrying its own details (remote address).
 * Refusals are the provider's: an {@link InvalidBearerTokenException} with the verifier's reason.
 */
final class BearerAuthentication implements AuthenticationManager {

	private final VerifiedTokens tokens;

	BearerAuthentication(VerifiedTokens tokens) {
		this.tokens = tokens;
	}

	@Override
	public Authentication authenticate(Authentication authentication) {
		BearerTokenAuthenticationToken bearer = (BearerTokenAuthenticationToken) authentication;
		VerifiedTokens.Verified verified;
		try {
			verified = tokens.verified(bearer.getToken());
		}
		catch (BadJwtException refused) {
			throw new InvalidBearerTokenException(refused.getMessage(), refused);
		}
		catch (JwtException failed) {
			throw new AuthenticationServiceException(failed.getMessage(), failed);
		}
		JwtAuthenticationToken token = new JwtAuthenticationToken(verified.jwt(), verified.authorities(),
				verified.subject());
		token.setDetails(bearer.getDetails());
		return token;
	}
}
