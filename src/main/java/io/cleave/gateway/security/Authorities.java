package io.cleave.gateway.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Roles and scopes as Spring Security authorities: {@code ROLE_<role>} and {@code SCOPE_<scope>}, from configuration
 * for operators and API keys, from a token's roles claim and its {@code scope}/{@code scp} claims for bearer tokens.
 */
final class Authorities {

	static final String ROLE = "ROLE_";

	static final String SCOPE = "SCOPE_";

	private Authorities() {
	}

	static List<GrantedAuthority> ofRoles(Collection<String> roles) {
		return roles.stream().<GrantedAuthority>map(role -> new SimpleGrantedAuthority(ROLE + role)).toList();
	}

	/** A bearer token as an authentication named after its subject. */
	static Converter<Jwt, AbstractAuthenticationToken> ofTokens(String rolesClaim) {
		Function<Jwt, List<GrantedAuthority>> granted = ofClaims(rolesClaim);
		return jwt -> new JwtAuthenticationToken(jwt, granted.apply(jwt), jwt.getSubject());
	}

	/** The authorities a bearer token's roles claim and its {@code scope}/{@code scp} claims grant. */
	static Function<Jwt, List<GrantedAuthority>> ofClaims(String rolesClaim) {
		return jwt -> {
			List<GrantedAuthority> authorities = new ArrayList<>();
			values(jwt.getClaim(rolesClaim)).forEach(role -> authorities.add(new SimpleGrantedAuthority(ROLE + role)));
			values(jwt.getClaim("scope")).forEach(scope -> authorities.add(new SimpleGrantedAuthority(SCOPE + scope)));
			values(jwt.getClaim("scp")).forEach(scope -> authorities.add(new SimpleGrantedAuthority(SCOPE + scope)));
			return authorities;
		};
	}

	/** A claim holding a list of names, or one space-separated string of them (OAuth's {@code scope}). */
	private static List<String> values(@Nullable Object claim) {
		if (claim instanceof Collection<?> list) {
			return list.stream().map(String::valueOf).filter(value -> !value.isBlank()).toList();
		}
		if (claim instanceof String text) {
			return List.of(text.split(" ")).stream().filter(value -> !value.isBlank()).toList();
		}
		return List.of();
	}
}
