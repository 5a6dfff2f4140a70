package io.cleave.gateway.security;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.ConfigurableJWTProcessor;

import org.jspecify.annotations.Nullable;
import org.springframework.core.io.Resource;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtTypeValidator;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.MappedJwtClaimSetConverter;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * The bearer token decoder: pinned to one JWS algorithm and one key (so {@code alg: none} and a token signed HS256
 * with an RSA public key's bytes are refused), then checked for issuer, audience, subject and validity within the
 * clock skew — each refusal worded for the caller.
 */
final class BearerTokens {

	private static final String KEY_LOCATION = "cleave.gateway.security.jwt.public-key-location";

	/**
	 * Spring's claim conversions, except that {@code iss} stays the string it is: Spring would first try it as a URL,
	 * and an issuer that is not one (Cleave's default, {@code cleave}) then cost a thrown exception per token.
	 * {@link Claims} compares it as a string either way.
	 */
	private static final MappedJwtClaimSetConverter CLAIMS = MappedJwtClaimSetConverter
			.withDefaults(Map.of(JwtClaimNames.ISS, issuer -> issuer == null ? null : issuer.toString()));

	private BearerTokens() {
	}

	/**
	 * The decoder for {@code jwt}; {@code secret} is the HMAC secret to use (configured or generated), null when the
	 * settings name a public key or JWK set. It keeps the tokens it verified until their expiry ({@link VerifiedTokens}).
	 */
	static JwtDecoder decoder(GatewaySecurityProperties.Jwt jwt, byte @Nullable [] secret, Clock clock) {
		return new VerifiedTokens(verifier(jwt, secret, clock), clock, VerifiedTokens.MAXIMUM_SIZE,
				Authorities.ofClaims(jwt.rolesClaim()));
	}

	/** The decoder for {@code jwt} that verifies every token it is given in full. */
	static JwtDecoder verifier(GatewaySecurityProperties.Jwt jwt, byte @Nullable [] secret, Clock clock) {
		String configured = jwt.configuredAlgorithm();
		NimbusJwtDecoder nimbus;
		String algorithm;
		if (secret != null) {
			algorithm = configured == null ? "HS256" : configured;
			MacAlgorithm mac = MacAlgorithm.from(algorithm);
			nimbus = NimbusJwtDecoder.withSecretKey(new SecretKeySpec(secret, mac.getName().replace("HS", "HmacSHA")))
					.macAlgorithm(mac)
					.jwtProcessorCustomizer(BearerTokens::claimsCheckedBySpring)
					.build();
		}
		else if (jwt.jwkSetUri() != null) {
			// Nimbus fetches the set on first use (not at start) and caches it, refreshing on an unknown key id.
			algorithm = configured == null ? "RS256" : configured;
			nimbus = NimbusJwtDecoder.withJwkSetUri(jwt.jwkSetUri().toString())
					.jwsAlgorithm(SignatureAlgorithm.from(algorithm))
					.jwtProcessorCustomizer(BearerTokens::claimsCheckedBySpring)
					.build();
		}
		else {
			PublicKey key = publicKey(jwt.publicKeyLocation());
			algorithm = configured == null ? defaultAlgorithm(key) : configured;
			nimbus = publicKeyDecoder(key, algorithm);
		}
		nimbus.setJwtValidator(new DelegatingOAuth2TokenValidator<>(new Claims(jwt, clock), types()));
		nimbus.setClaimSetConverter(CLAIMS);
		return token -> decode(nimbus, token, algorithm);
	}

	/**
	 * Nimbus checks signatures only: its own claims check (a fixed 60 s skew, its own wording) would answer before the
	 * configured skew and the messages of {@link Claims} could.
	 */
	private static void claimsCheckedBySpring(ConfigurableJWTProcessor<SecurityContext> processor) {
		processor.setJWTClaimsSetVerifier((claims, context) -> {
		});
	}

	private static OAuth2TokenValidator<Jwt> types() {
		// Access tokens say JWT or at+jwt (RFC 9068), or nothing; anything else (a logout token...) is not one.
		JwtTypeValidator types = new JwtTypeValidator("JWT", "at+jwt");
		types.setAllowEmpty(true);
		return types;
	}

	private static Jwt decode(NimbusJwtDecoder nimbus, String token, String algorithm) {
		try {
			return nimbus.decode(token);
		}
		catch (JwtValidationException invalid) {
			String detail = invalid.getErrors().stream()
					.map(OAuth2Error::getDescription)
					.filter(description -> description != null && description.startsWith("the bearer token"))
					.findFirst()
					.orElse("the bearer token is not valid here");
			throw new BadJwtException(detail, invalid);
		}
		catch (BadJwtException bad) {
			throw new BadJwtException(refusal(bad, algorithm), bad);
		}
	}

	/** Why Nimbus refused a token, without its internals: the signature, the algorithm, or the token's form. */
	private static String refusal(BadJwtException bad, String algorithm) {
		for (Throwable cause = bad; cause != null; cause = cause.getCause()) {
			if (cause instanceof BadJWSException) {
				return "the bearer token's signature does not verify";
			}
		}
		String message = String.valueOf(bad.getMessage());
		if (message.contains("algorithm") || message.contains("no matching key")) {
			return "the bearer token is not signed with " + algorithm + " by the key this node trusts";
		}
		return "the bearer token is malformed";
	}

	private static NimbusJwtDecoder publicKeyDecoder(PublicKey key, String algorithm) {
		SignatureAlgorithm signature = SignatureAlgorithm.from(algorithm);
		if (key instanceof RSAPublicKey rsa && algorithm.startsWith("RS")) {
			return NimbusJwtDecoder.withPublicKey(rsa).signatureAlgorithm(signature)
					.jwtProcessorCustomizer(BearerTokens::claimsCheckedBySpring)
					.build();
		}
		if (key instanceof ECPublicKey ec && algorithm.startsWith("ES")) {
			ECKey jwk = new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec).build();
			return NimbusJwtDecoder.withJwkSource(new ImmutableJWKSet<>(new JWKSet(jwk))).jwsAlgorithm(signature)
					.jwtProcessorCustomizer(BearerTokens::claimsCheckedBySpring)
					.build();
		}
		throw new SecuritySettingsException("cleave.gateway.security.jwt.algorithm " + algorithm + " does not fit the "
				+ key.getAlgorithm() + " key at " + KEY_LOCATION,
				"Use RS256/384/512 with an RSA key, ES256/384/512 with an EC key, or leave the algorithm empty.");
	}

	private static String defaultAlgorithm(PublicKey key) {
		if (key instanceof ECPublicKey ec) {
			int bits = ec.getParams().getCurve().getField().getFieldSize();
			return bits > 384 ? "ES512" : bits > 256 ? "ES384" : "ES256";
		}
		return "RS256";
	}

	/** A PEM public key ({@code BEGIN PUBLIC KEY}, RSA or EC) or X.509 certificate. */
	static PublicKey publicKey(@Nullable Resource location) {
		if (location == null) {
			throw new IllegalStateException("no public key location");
		}
		String pem;
		try (InputStream in = location.getInputStream()) {
			pem = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
		}
		catch (IOException unreadable) {
			throw new SecuritySettingsException(KEY_LOCATION + " (" + location + ") cannot be read: "
					+ unreadable.getMessage(), "Point it at a readable PEM file (file:/path/to/key.pem).", unreadable);
		}
		try {
			if (pem.contains("-----BEGIN CERTIFICATE-----")) {
				return CertificateFactory.getInstance("X.509")
						.generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
						.getPublicKey();
			}
			int begin = pem.indexOf("-----BEGIN PUBLIC KEY-----");
			int end = pem.indexOf("-----END PUBLIC KEY-----");
			if (begin < 0 || end < begin) {
				throw new GeneralSecurityException("no PEM public key or certificate");
			}
			byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + 26, end));
			for (String type : List.of("RSA", "EC")) {
				try {
					return KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(der));
				}
				catch (GeneralSecurityException notThisType) {
					// the other type, then
				}
			}
			throw new GeneralSecurityException("neither an RSA nor an EC public key");
		}
		catch (GeneralSecurityException | IllegalArgumentException invalid) {
			throw new SecuritySettingsException(KEY_LOCATION + " (" + location + ") holds no usable public key: "
					+ invalid.getMessage(), "Give a PEM 'PUBLIC KEY' (RSA or EC) or an X.509 certificate.", invalid);
		}
	}

	/**
	 * The claims every token must carry: an expiry (tokens without one would be valid forever), the configured issuer
	 * and audience, a subject, and validity now give or take the clock skew.
	 */
	private static final class Claims implements OAuth2TokenValidator<Jwt> {

		private final GatewaySecurityProperties.Jwt settings;

		private final Clock clock;

		Claims(GatewaySecurityProperties.Jwt settings, Clock clock) {
			this.settings = settings;
			this.clock = clock;
		}

		@Override
		public OAuth2TokenValidatorResult validate(Jwt token) {
			Instant now = clock.instant();
			Instant expiry = token.getExpiresAt();
			if (expiry == null) {
				return failure("the bearer token has no expiry (exp)");
			}
			if (now.minus(settings.clockSkew()).isAfter(expiry)) {
				return failure("the bearer token expired at " + expiry);
			}
			Instant notBefore = token.getNotBefore();
			if (notBefore != null && now.plus(settings.clockSkew()).isBefore(notBefore)) {
				return failure("the bearer token is not valid before " + notBefore);
			}
			if (!settings.issuer().equals(token.getClaimAsString(JwtClaimNames.ISS))) {
				return failure("the bearer token's issuer (iss) is not the one this node accepts");
			}
			List<String> audience = token.getAudience();
			if (audience == null || !audience.contains(settings.audience())) {
				return failure("the bearer token's audience (aud) does not include this node's");
			}
			String subject = token.getSubject();
			if (subject == null || subject.isBlank()) {
				return failure("the bearer token has no subject (sub)");
			}
			return OAuth2TokenValidatorResult.success();
		}

		private static OAuth2TokenValidatorResult failure(String description) {
			return OAuth2TokenValidatorResult.failure(new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, description, null));
		}
	}
}
