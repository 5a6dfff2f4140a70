package io.cleave.gateway.security;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.hibernate.validator.constraints.time.DurationMax;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.io.Resource;

/**
 * Security settings of the node's HTTP edge ({@code cleave.gateway.security.*}): how callers authenticate (JWT
 * bearer tokens, operators' HTTP Basic, service accounts' API keys) and which routes need what. Nothing here has a
 * usable default credential: in the {@code prod} profile the node refuses to start without a JWT key and an operator.
 *
 * @param jwt how bearer tokens are verified
 * @param operators people who sign in with HTTP Basic, each with a password hash ({@code {bcrypt}…} or
 *     {@code {argon2}…}, never a plain password)
 * @param apiKeys service accounts, each presenting its key in the {@code X-API-Key} header; only the key's
 *     SHA-256 is configured
 * @param routes access rules checked before the built-in ones, the first whose path pattern (and method, if given)
 *     matches decides: make an API route public, open {@code /actuator/prometheus} to a scraper's role, restrict a
 *     service to a scope
 */
@ConfigurationProperties("cleave.gateway.security")
record GatewaySecurityProperties(
		@DefaultValue @Valid Jwt jwt,
		@DefaultValue List<@Valid Operator> operators,
		@DefaultValue List<@Valid ApiKey> apiKeys,
		@DefaultValue List<@Valid Route> routes) {

	/** The role operators hold, which the built-in rules require for the registry, dead letters and actuator. */
	static final String OPERATOR = "operator";

	GatewaySecurityProperties {
		operators = List.copyOf(operators);
		apiKeys = List.copyOf(apiKeys);
		routes = List.copyOf(routes);
	}

	/** Whether any credential carries the operator role: an operator, or an API key with that role. */
	boolean hasOperatorCredential() {
		return !operators.isEmpty() || apiKeys.stream().anyMatch(key -> key.roles().contains(OPERATOR));
	}

	/**
	 * How bearer tokens are verified: signed with one algorithm (tokens signed otherwise, or not at all, are refused),
	 * by this issuer, for this audience, within their validity give or take the clock skew.
	 *
	 * @param algorithm the only JWS algorithm accepted: HS256/384/512 with {@code secret}, RS256/384/512 or ES256/384
	 *     with {@code public-key-location} or {@code jwk-set-uri}; empty = HS256 with a secret, RS256 or ES256 after
	 *     the public key's type, RS256 with a JWK set
	 * @param secret HMAC secret (its UTF-8 bytes, at least 32); outside the {@code prod} profile a random one is
	 *     generated at each start when neither it nor a public key is set
	 * @param publicKeyLocation PEM public key or certificate ({@code file:/etc/cleave/jwt.pem}) verifying RS/ES tokens
	 * @param jwkSetUri JWK set of an identity provider ({@code https://idp/realms/x/protocol/openid-connect/certs}),
	 *     fetched on first use and cached
	 * @param issuer required {@code iss} claim
	 * @param audience value the {@code aud} claim must contain
	 * @param clockSkew tolerance for {@code exp} and {@code nbf} between this node's clock and the issuer's (at most 5m)
	 * @param rolesClaim claim holding the caller's roles (a list or a space-separated string); {@code scope} and
	 *     {@code scp} are read as scopes
	 */
	record Jwt(
			@Nullable String algorithm,
			@Nullable String secret,
			@Nullable Resource publicKeyLocation,
			@Nullable URI jwkSetUri,
			@DefaultValue("cleave") @NotBlank String issuer,
			@DefaultValue("cleave") @NotBlank String audience,
			@DefaultValue("30s") @NotNull @DurationMax(minutes = 5) Duration clockSkew,
			@DefaultValue("roles") @NotBlank String rolesClaim) {

		private static final Set<String> MAC = Set.of("HS256", "HS384", "HS512");

		private static final Set<String> SIGNATURE = Set.of("RS256", "RS384", "RS512", "ES256", "ES384", "ES512");

		boolean hasSecret() {
			return secret != null && !secret.isEmpty();
		}

		boolean hasPublicKey() {
			return publicKeyLocation != null || jwkSetUri != null;
		}

		/** The algorithm as configured, upper-case, or null when it is to follow from the key. */
		@Nullable String configuredAlgorithm() {
			return algorithm == null || algorithm.isBlank() ? null : algorithm.strip().toUpperCase(Locale.ROOT);
		}

		@AssertTrue(message = "must be one of HS256, HS384, HS512, RS256, RS384, RS512, ES256, ES384, ES512")
		boolean isAlgorithmKnown() {
			String alg = configuredAlgorithm();
			return alg == null || MAC.contains(alg) || SIGNATURE.contains(alg);
		}

		@AssertTrue(message = "set one key only: secret (HS256/384/512), public-key-location or jwk-set-uri (RS/ES)")
		boolean isOneKey() {
			int keys = (hasSecret() ? 1 : 0) + (publicKeyLocation != null ? 1 : 0) + (jwkSetUri != null ? 1 : 0);
			return keys <= 1;
		}

		@AssertTrue(message = "does not fit the key: HS256/384/512 verify with secret, RS and ES algorithms with "
				+ "public-key-location or jwk-set-uri")
		boolean isAlgorithmForKey() {
			String alg = configuredAlgorithm();
			if (alg == null) {
				return true;
			}
			return MAC.contains(alg) ? !hasPublicKey() : !hasSecret();
		}

		@AssertTrue(message = "must be at least 32 bytes (256 bits) for HMAC; generate one with "
				+ "'openssl rand -base64 48'")
		boolean isSecretLongEnough() {
			return !hasSecret() || secret.getBytes(StandardCharsets.UTF_8).length >= 32;
		}

		@AssertTrue(message = "must not be negative")
		boolean isClockSkewPositive() {
			return !clockSkew.isNegative();
		}
	}

	/**
	 * An operator signing in with HTTP Basic.
	 *
	 * @param name the user name
	 * @param password the password's hash with its encoder's id: {@code {bcrypt}$2a$12$…} ({@code bin/cleave
	 *     password} prints one) or {@code {argon2}$argon2id$…}
	 * @param roles the roles it holds
	 */
	record Operator(
			@NotBlank String name,
			@NotNull
			@Pattern(regexp = "\\{bcrypt}\\$2[aby]?\\$\\d\\d\\$[./A-Za-z0-9]{53}|\\{argon2}\\$argon2(id|i|d)\\$.+",
					message = "must be a {bcrypt} or {argon2} hash (bin/cleave password prints one), never a plain password")
			String password,
			@DefaultValue(OPERATOR) List<@NotBlank String> roles) {
	}

	/**
	 * A service account's API key. Keys are random and long ({@code bin/cleave api-key} makes one), so their SHA-256
	 * cannot be reversed and is checked in microseconds, where a password hash would cost every request
	 * tens of milliseconds of CPU that any client could make the node spend.
	 *
	 * @param name the service account, as access logs and RPC callees see it
	 * @param sha256 hex SHA-256 of the key
	 * @param roles the roles it holds
	 */
	record ApiKey(
			@NotBlank String name,
			@NotNull
			@Pattern(regexp = "[0-9a-fA-F]{64}", message = "must be the key's SHA-256 in hex (64 characters); "
					+ "bin/cleave api-key prints a new key with its hash")
			String sha256,
			@DefaultValue List<@NotBlank String> roles) {
	}

	/**
	 * An access rule.
	 *
	 * @param path Spring path pattern ({@code /api/Catalog/**})
	 * @param methods HTTP methods it applies to; empty = all
	 * @param access {@code public} (anyone), {@code authenticated} (any caller who authenticated, unless roles or
	 *     scopes narrow it) or {@code denied}
	 * @param roles the caller needs one of these roles ...
	 * @param scopes ... or one of these scopes (empty both = any authenticated caller)
	 */
	record Route(
			@NotBlank String path,
			@DefaultValue List<@NotBlank String> methods,
			@DefaultValue("authenticated") @NotNull Access access,
			@DefaultValue List<@NotBlank String> roles,
			@DefaultValue List<@NotBlank String> scopes) {

		@AssertTrue(message = "roles and scopes only narrow access: authenticated")
		boolean isNarrowingAuthenticated() {
			return access == Access.AUTHENTICATED || (roles.isEmpty() && scopes.isEmpty());
		}
	}

	/** What a route rule allows. */
	enum Access {
		/** Anyone, authenticated or not. */
		PUBLIC,
		/** Authenticated callers (holding one of the rule's roles or scopes, if it names any). */
		AUTHENTICATED,
		/** No one. */
		DENIED
	}
}
