package io.cleave.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACSigner;

import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtDecoder;

/** The cache of verified bearer tokens: what it keeps, for how long, and what it never serves. */
class VerifiedTokensTests {

	private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

	private static final String SECRET = "a-secret-of-at-least-thirty-two-bytes!";

	private final MovableClock clock = new MovableClock(NOW);

	private final AtomicInteger verifications = new AtomicInteger();

	private final JwtDecoder decoder = cached(BearerTokens.verifier(settings(), SECRET.getBytes(StandardCharsets.UTF_8),
			clock));

	@Test
	void verifiesATokenOnceAndServesItsNextUsesFromTheCache() throws Exception {
		String token = expiringAt(NOW.plusSeconds(300), SECRET);

		assertThat(decoder.decode(token).getSubject()).isEqualTo("matrix-caller");
		assertThat(decoder.decode(token).getSubject()).isEqualTo("matrix-caller");
		assertThat(decoder.decode(token).getSubject()).isEqualTo("matrix-caller");

		assertThat(verifications).hasValue(1);
	}

	@Test
	void aCachedTokenIsVerifiedAgainAndRefusedOnceItHasExpired() throws Exception {
		String token = expiringAt(NOW.plusSeconds(300), SECRET);
		assertThat(decoder.decode(token)).isNotNull();

		clock.moveTo(NOW.plusSeconds(300));
		// At its exp the cached decision is gone: the full check runs again (and still grants the 30 s clock skew).
		assertThat(decoder.decode(token)).isNotNull();
		assertThat(verifications).hasValue(2);

		clock.moveTo(NOW.plusSeconds(331));
		assertThatThrownBy(() -> decoder.decode(token)).isInstanceOf(BadJwtException.class)
				.hasMessageStartingWith("the bearer token expired at");
		assertThatThrownBy(() -> decoder.decode(token)).hasMessageStartingWith("the bearer token expired at");
		assertThat(verifications).hasValue(4);
	}

	@Test
	void aTokenWithABadSignatureIsNeverServedFromTheCache() throws Exception {
		String good = expiringAt(NOW.plusSeconds(300), SECRET);
		String forged = expiringAt(NOW.plusSeconds(300), "another-secret-of-at-least-thirty-two-bytes");
		// The same header and claims with the good token's signature cut short: only the signature differs.
		String truncated = good.substring(0, good.length() - 2);
		assertThat(decoder.decode(good)).isNotNull();

		for (int i = 0; i < 3; i++) {
			assertThatThrownBy(() -> decoder.decode(forged)).isInstanceOf(BadJwtException.class)
					.hasMessage("the bearer token's signature does not verify");
			assertThatThrownBy(() -> decoder.decode(truncated)).isInstanceOf(BadJwtException.class);
		}
		assertThat(verifications).hasValue(7);
	}

	@Test
	void aTokenRefusedForItsClaimsIsRefusedEveryTime() throws Exception {
		String notYetValid = SecurityMatrix.sign(JWSAlgorithm.HS256, new MACSigner(SECRET), SecurityMatrix.claims(
				List.of(), b -> b.issueTime(Date.from(NOW)).notBeforeTime(Date.from(NOW.plusSeconds(60)))
						.expirationTime(Date.from(NOW.plusSeconds(300)))));

		assertThatThrownBy(() -> decoder.decode(notYetValid)).hasMessageStartingWith("the bearer token is not valid before");
		assertThatThrownBy(() -> decoder.decode(notYetValid)).hasMessageStartingWith("the bearer token is not valid before");
		assertThat(verifications).hasValue(2);

		clock.moveTo(NOW.plusSeconds(60));
		assertThat(decoder.decode(notYetValid)).isNotNull();
	}

	@Test
	void keepsNoMoreTokensThanItsBound() throws Exception {
		JwtDecoder small = new VerifiedTokens(token -> {
			verifications.incrementAndGet();
			return BearerTokens.verifier(settings(), SECRET.getBytes(StandardCharsets.UTF_8), clock).decode(token);
		}, clock, 2);
		List<String> tokens = List.of(expiringAt(NOW.plusSeconds(100), SECRET), expiringAt(NOW.plusSeconds(200), SECRET),
				expiringAt(NOW.plusSeconds(300), SECRET), expiringAt(NOW.plusSeconds(400), SECRET));

		for (int round = 0; round < 3; round++) {
			for (String token : tokens) {
				assertThat(small.decode(token)).isNotNull();
			}
		}

		assertThat(verifications.get()).isGreaterThan(tokens.size());
	}

	private JwtDecoder cached(JwtDecoder verifier) {
		return new VerifiedTokens(token -> {
			verifications.incrementAndGet();
			return verifier.decode(token);
		}, clock, VerifiedTokens.MAXIMUM_SIZE);
	}

	private static String expiringAt(Instant expiry, String secret) throws Exception {
		return SecurityMatrix.sign(JWSAlgorithm.HS256, new MACSigner(secret), SecurityMatrix.claims(List.of(),
				b -> b.issueTime(Date.from(NOW)).expirationTime(Date.from(expiry))));
	}

	private static GatewaySecurityProperties.Jwt settings() {
		return new GatewaySecurityProperties.Jwt(null, null, null, null, "cleave", "cleave", Duration.ofSeconds(30),
				"roles");
	}

	/** A clock the test moves: the cache's validity follows the decoder's clock, not the wall clock. */
	private static final class MovableClock extends Clock {

		private volatile Instant now;

		MovableClock(Instant now) {
			this.now = now;
		}

		void moveTo(Instant instant) {
			now = instant;
		}

		@Override
		public Instant instant() {
			return now;
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}
	}
}
