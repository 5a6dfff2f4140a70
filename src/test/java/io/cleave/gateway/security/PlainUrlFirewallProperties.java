package io.cleave.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.web.firewall.FirewalledRequest;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.StrictHttpFirewall;

/** Cleave's firewall refuses exactly the requests Spring Security's strict firewall refuses, for any method and URL. */
class PlainUrlFirewallProperties {

	private final StrictHttpFirewall strict = new StrictHttpFirewall();

	private final PlainUrlFirewall cleave = new PlainUrlFirewall();

	PlainUrlFirewallProperties() {
		strict.setAllowedHeaderNames(name -> true);
		strict.setAllowedHeaderValues(value -> true);
		strict.setAllowedParameterNames(name -> true);
		strict.setAllowedParameterValues(value -> true);
	}

	@Property(tries = 5000)
	void refusesWhatTheStrictFirewallRefusesAndLetsThroughTheRest(@ForAll("methods") String method,
			@ForAll("paths") String contextPath, @ForAll("paths") String servletPath, @ForAll("paths") String pathInfo,
			@ForAll("paths") String extra) {
		MockHttpServletRequest request = new MockHttpServletRequest(method, contextPath + servletPath + extra);
		request.setContextPath(contextPath);
		request.setServletPath(servletPath);
		request.setPathInfo(pathInfo.isEmpty() ? null : pathInfo);
		request.addHeader("X-Anything", "value\u0007");
		FirewalledRequest expected;
		try {
			expected = strict.getFirewalledRequest(request);
		}
		catch (RequestRejectedException refused) {
			assertThatThrownBy(() -> cleave.getFirewalledRequest(request)).isInstanceOf(RequestRejectedException.class);
			return;
		}
		FirewalledRequest passed = cleave.getFirewalledRequest(request);
		assertThat(passed.getRequest()).isSameAs(request);
		assertThat(passed.getHeader("X-Anything")).isEqualTo(expected.getHeader("X-Anything"));
	}

	@Example
	void takesTheShortWayOnlyForPlainPaths() {
		assertThat(PlainUrlFirewall.isPlain("/api/DB/Query")).isTrue();
		assertThat(PlainUrlFirewall.isPlain("/swagger-ui/index.html")).isTrue();
		assertThat(PlainUrlFirewall.isPlain("")).isTrue();
		assertThat(PlainUrlFirewall.isPlain("/")).isTrue();
		assertThat(PlainUrlFirewall.isPlain("/api/")).isTrue();
		assertThat(PlainUrlFirewall.isPlain("/api//x")).isFalse();
		assertThat(PlainUrlFirewall.isPlain("//")).isFalse();
		assertThat(PlainUrlFirewall.isPlain("/api/../registry")).isFalse();
		assertThat(PlainUrlFirewall.isPlain("/api/.")).isFalse();
		assertThat(PlainUrlFirewall.isPlain("/api/%2e")).isFalse();
		assertThat(PlainUrlFirewall.isPlain("/api;x=1")).isFalse();
	}

	@Provide
	Arbitrary<String> methods() {
		return Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD",
				"OPTIONS")), Tuple.of(1, Arbitraries.of("TRACE", "CONNECT", "get", "FOO", "")));
	}

	@Provide
	Arbitrary<String> paths() {
		Arbitrary<String> segment = Arbitraries.frequencyOf(
				Tuple.of(6, Arbitraries.strings().withChars("abzAZ09-_~.").ofMinLength(0).ofMaxLength(6)),
				Tuple.of(3, Arbitraries.of(".", "..", "...", ".x", "x.", "", "%2e", "%2E", "%2f", "%2F%2f", "%25", "%",
						";", ";x=1", "%3b", "%5C", "\\", "%00", "\u0000", "%0a", "\n", "%0D", "\r", "\u2028", "\u2029",
						"\u0007", "é", "\u007f", " ", "+", ":", "@", "!", "*")),
				Tuple.of(1, Arbitraries.strings().ofMaxLength(4)));
		return segment.list().ofMaxSize(4).map(segments -> segments.isEmpty() ? "" : "/" + String.join("/", segments));
	}
}
