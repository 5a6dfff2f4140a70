package io.cleave.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACSigner;

import org.junit.jupiter.api.Test;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/** Bearer authentication over the verified tokens: claims read once per token, an authentication per request. */
class BearerAuthenticationTests {

	private static final String SECRET = "a-secret-of-at-least-thirty-two-bytes!";

	private final AtomicInteger claimReads = new AtomicInteger();

	private final VerifiedTokens tokens = new VerifiedTokens(BearerTokens.verifier(settings(),
			SECRET.getBytes(StandardCharsets.UTF_8), Clock.systemUTC()), Clock.systemUTC(), 100, jwt -> {
				claimReads.incrementAndGet();
				return Authorities.ofClaims("roles").apply(jwt);
			});

	private final BearerAuthentication authentication = new BearerAuthentication(tokens);

	@Test
	void readsATokensAuthoritiesOnceAndGivesEachRequestItsOwnAuthentication() throws Exception {
		String token = SecurityMatrix.sign(JWSAlgorithm.HS256, new MACSigner(SECRET),
				SecurityMatrix.claims(List.of("operator"), claims -> claims.claim("scope", "orders:read orders:write")));

		Authentication first = authentication.authenticate(bearer(token, "10.0.0.1"));
		Authentication second = authentication.authenticate(bearer(token, "10.0.0.2"));

		assertThat(claimReads).hasValue(1);
		assertThat(first).isInstanceOf(JwtAuthenticationToken.class).isNotSameAs(second);
		assertThat(first.isAuthenticated()).isTrue();
		assertThat(first.getName()).isEqualTo("matrix-caller");
		assertThat(((Jwt) first.getCredentials()).getTokenValue()).isEqualTo(token);
		assertThat(first.getAuthorities()).extracting(GrantedAuthority::getAuthority)
				.containsExactly("ROLE_operator", "SCOPE_orders:read", "SCOPE_orders:write");
		assertThat(second.getAuthorities()).isEqualTo(first.getAuthorities());
		assertThat(first.getDetails()).isEqualTo("10.0.0.1");
		assertThat(second.getDetails()).isEqualTo("10.0.0.2");
	}

	@Test
	void refusesATokenThatDoesNotVerifyWithTheVerifiersReason() throws Exception {
		String forged = SecurityMatrix.sign(JWSAlgorithm.HS256,
				new MACSigner("another-secret-of-at-least-thirty-two-bytes"), SecurityMatrix.claims(List.of(), c -> c));

		assertThatThrownBy(() -> authentication.authenticate(bearer(forged, "10.0.0.1")))
				.isInstanceOf(InvalidBearerTokenException.class)
				.hasMessage("the bearer token's signature does not verify");
		assertThat(claimReads).hasValue(0);
	}

	private static BearerTokenAuthenticationToken bearer(String token, Object details) {
		BearerTokenAuthenticationToken bearer = new BearerTokenAuthenticationToken(token);
		bearer.setDetails(details);
		return bearer;
	}

	private static GatewaySecurityProperties.Jwt settings() {
		return new GatewaySecurityProperties.Jwt(null, null, null, null, "cleave", "cleave", Duration.ofSeconds(30),
				"roles");
	}
}
