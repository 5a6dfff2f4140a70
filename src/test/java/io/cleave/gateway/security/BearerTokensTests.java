package io.cleave.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;

import org.junit.jupiter.api.Test;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtDecoder;

/** The decoder alone: ES256 from a PEM key, the clock skew's bounds, and keys that cannot be used. */
class BearerTokensTests {

	private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

	private static final String SECRET = "a-secret-of-at-least-thirty-two-bytes!";

	@Test
	void verifiesEs256TokensWithAPemPublicKeyAndRefusesOtherKeys() throws Exception {
		KeyPair trusted = ec();
		JwtDecoder decoder = BearerTokens.decoder(settings(null, pem(trusted)), null, Clock.systemUTC());

		String good = SecurityMatrix.sign(JWSAlgorithm.ES256, new ECDSASigner((ECPrivateKey) trusted.getPrivate()),
				SecurityMatrix.claims(List.of("user"), b -> b));
		String forged = SecurityMatrix.sign(JWSAlgorithm.ES256, new ECDSASigner((ECPrivateKey) ec().getPrivate()),
				SecurityMatrix.claims(List.of("user"), b -> b));

		assertThat(decoder.decode(good).getSubject()).isEqualTo("matrix-caller");
		assertThatThrownBy(() -> decoder.decode(forged)).isInstanceOf(BadJwtException.class)
				.hasMessage("the bearer token's signature does not verify");
	}

	@Test
	void acceptsAnExpiryWithinTheClockSkewAndNotBeyondIt() throws Exception {
		JwtDecoder decoder = BearerTokens.decoder(settings(null, null), SECRET.getBytes(StandardCharsets.UTF_8),
				Clock.fixed(NOW, ZoneOffset.UTC));

		assertThat(decoder.decode(expiringAt(NOW.minusSeconds(29)))).isNotNull();
		assertThatThrownBy(() -> decoder.decode(expiringAt(NOW.minusSeconds(31))))
				.hasMessageStartingWith("the bearer token expired at");
	}

	@Test
	void refusesATokenWithoutExpiry() throws Exception {
		JwtDecoder decoder = BearerTokens.decoder(settings(null, null), SECRET.getBytes(StandardCharsets.UTF_8),
				Clock.fixed(NOW, ZoneOffset.UTC));
		String eternal = SecurityMatrix.sign(JWSAlgorithm.HS256, new MACSigner(SECRET),
				SecurityMatrix.claims(List.of(), b -> b.issueTime(Date.from(NOW)).expirationTime(null)));

		assertThatThrownBy(() -> decoder.decode(eternal)).hasMessage("the bearer token has no expiry (exp)");
	}

	@Test
	void aKeyFileWithoutAPublicKeyStopsTheStartNamingTheProperty() {
		ByteArrayResource notAKey = new ByteArrayResource("hello".getBytes(StandardCharsets.US_ASCII), "jwt.pem");

		assertThatThrownBy(() -> BearerTokens.decoder(settings(null, notAKey), null, Clock.systemUTC()))
				.isInstanceOf(SecuritySettingsException.class)
				.hasMessageContaining("cleave.gateway.security.jwt.public-key-location");
	}

	@Test
	void anAlgorithmThatDoesNotFitTheKeyStopsTheStart() throws Exception {
		assertThatThrownBy(() -> BearerTokens.decoder(settings("RS256", pem(ec())), null, Clock.systemUTC()))
				.isInstanceOf(SecuritySettingsException.class)
				.hasMessageContaining("RS256 does not fit the EC key");
	}

	private static String expiringAt(Instant expiry) throws Exception {
		return SecurityMatrix.sign(JWSAlgorithm.HS256, new MACSigner(SECRET), SecurityMatrix.claims(List.of(),
				b -> b.issueTime(Date.from(expiry.minus(Duration.ofMinutes(5)))).expirationTime(Date.from(expiry))));
	}

	private static GatewaySecurityProperties.Jwt settings(String algorithm, ByteArrayResource key) {
		return new GatewaySecurityProperties.Jwt(algorithm, null, key, null, "cleave", "cleave", Duration.ofSeconds(30),
				"roles");
	}

	private static KeyPair ec() throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
		generator.initialize(new ECGenParameterSpec("secp256r1"));
		return generator.generateKeyPair();
	}

	private static ByteArrayResource pem(KeyPair pair) {
		String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(pair.getPublic().getEncoded())
				+ "\n-----END PUBLIC KEY-----\n";
		return new ByteArrayResource(pem.getBytes(StandardCharsets.US_ASCII), "jwt.pem");
	}
}
