package io.cleave.gateway.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import org.jspecify.annotations.Nullable;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;

/**
 * Bearer tokens this node has already verified, so that a caller's next requests with the same token skip the
 * signature and claims checks (a sixth of the edge's CPU per request when done every time, bench/gateway.sh): a token is verified in full on
 * first sight, only a token that passed is kept, and never past its own {@code exp} — checked against the decoder's
 * clock on every hit, so a kept decision cannot outlive the token. A token that failed is never kept: it is verified
 * (and refused) again each time. The number of tokens kept is bounded; the least used go first. With each token it
 * keeps the authorities its claims grant, read once ({@link BearerAuthentication}).
 */
final class VerifiedTokens implements JwtDecoder {

	/** About 2 KiB a token: ten thousand active callers' tokens in some 20 MiB. */
	static final long MAXIMUM_SIZE = 10_000;

	private final JwtDecoder verifier;

	private final Clock clock;

	private final Function<Jwt, List<GrantedAuthority>> authorities;

	private final Cache<String, Verified> verified;

	VerifiedTokens(JwtDecoder verifier, Clock clock, long maximumSize) {
		this(verifier, clock, maximumSize, jwt -> List.of());
	}

	VerifiedTokens(JwtDecoder verifier, Clock clock, long maximumSize,
			Function<Jwt, List<GrantedAuthority>> authorities) {
		this.verifier = verifier;
		this.clock = clock;
		this.authorities = authorities;
		// Caffeine's own timer only frees memory; validity is decided by the clock in decode.
		this.verified = Caffeine.newBuilder()
				.maximumSize(maximumSize)
				.executor(Runnable::run) // evicting takes less than handing the work to another thread
				.expireAfter(Expiry.<String, Verified>creating((token, kept) -> remaining(kept.jwt())))
				.build();
	}

	@Override
	public Jwt decode(String token) {
		return verified(token).jwt();
	}

	/**
	 * The token verified, with the authorities its claims grant.
	 *
	 * @throws org.springframework.security.oauth2.jwt.JwtException as the verifier does, for a token that does not
	 *         verify
	 */
	Verified verified(String token) {
		Verified kept = verified.getIfPresent(token);
		Instant now = clock.instant();
		if (kept != null && now.isBefore(expiry(kept.jwt()))) {
			return kept;
		}
		Jwt jwt = verifier.decode(token); // throws for any token that does not verify: nothing is kept then
		Verified fresh = new Verified(jwt, List.copyOf(authorities.apply(jwt)), jwt.getSubject());
		if (now.isBefore(expiry(jwt))) {
			verified.put(token, fresh);
		}
		else if (kept != null) {
			verified.invalidate(token);
		}
		return fresh;
	}

	/**
	 * A verified token, the authorities it grants and its subject (read once: each claim read goes through a
	 * conversion service); all immutable, so one is shared by the token's requests.
	 */
	record Verified(Jwt jwt, List<GrantedAuthority> authorities, @Nullable String subject) {
	}

	/** The verifier refuses tokens without {@code exp}; a token that had none anyway is treated as expired. */
	private static Instant expiry(Jwt jwt) {
		Instant expiry = jwt.getExpiresAt();
		return expiry == null ? Instant.MIN : expiry;
	}

	private Duration remaining(Jwt jwt) {
		Duration remaining = Duration.between(clock.instant(), expiry(jwt));
		return remaining.isNegative() ? Duration.ZERO : remaining;
	}
}
