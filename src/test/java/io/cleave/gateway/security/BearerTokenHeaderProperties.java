package io.cleave.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

/** Cleave's bearer header reader answers exactly as Spring's regular expression would, for any header. */
class BearerTokenHeaderProperties {

	private final DefaultBearerTokenResolver spring = new DefaultBearerTokenResolver();

	private final BearerTokenHeader cleave = new BearerTokenHeader();

	@Property(tries = 2000)
	void resolvesWhatSpringResolvesAndRefusesWhatItRefuses(@ForAll("authorizationHeaders") String header) {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/DB/Query");
		request.addHeader("Authorization", header);
		String expected;
		try {
			expected = spring.resolve(request);
		}
		catch (OAuth2AuthenticationException refused) {
			assertThatThrownBy(() -> cleave.resolve(request)).isInstanceOf(OAuth2AuthenticationException.class)
					.hasMessage(refused.getMessage());
			return;
		}
		assertThat(cleave.resolve(request)).isEqualTo(expected);
	}

	@Provide
	Arbitrary<String> authorizationHeaders() {
		Arbitrary<String> scheme = Arbitraries.of("Bearer ", "bearer ", "BEARER ", "Bearer", "Bearer  ", "Basic ",
				"Bearerx ", "", "bEaReR ");
		Arbitrary<String> token = Arbitraries.frequencyOf(
				net.jqwik.api.Tuple.of(5, Arbitraries.strings().withChars("abcXYZ019-._~+/").ofMinLength(0).ofMaxLength(12)),
				net.jqwik.api.Tuple.of(2, Arbitraries.strings().withChars("aZ9=/ \t\n,;\"é").ofMinLength(0).ofMaxLength(8)),
				net.jqwik.api.Tuple.of(1, Arbitraries.strings().ofMaxLength(6)));
		Arbitrary<String> padding = Arbitraries.strings().withChars("=a ").ofMaxLength(3);
		return Combinators.combine(scheme, token, padding).as((s, t, p) -> s + t + p);
	}
}
