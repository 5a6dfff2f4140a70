package io.cleave.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.provider.Arguments;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The security matrix: every way a bearer token can be wrong, against every protected route family, each answered with
 * the right status and an RFC 9457 problem saying why; and the valid token let through to the route.
 */
final class SecurityMatrix {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private SecurityMatrix() {
	}

	/**
	 * A protected route family: one request to it, the roles a caller needs there, and the roles of a caller who is
	 * authenticated but lacks them (null where any authenticated caller may call).
	 */
	record Family(String name, String method, String path, @Nullable String body, List<String> roles,
			@Nullable List<String> lacking) {

		@Override
		public String toString() {
			return name;
		}
	}

	/** The families every configuration is checked on. */
	static final List<Family> FAMILIES = List.of(
			new Family("/api/**", "POST", "/api/Nope/Nothing", "{}", List.of("user"), null),
			new Family("/api/** with a configured role", "POST", "/api/Audit/Log", "{}", List.of("auditor"),
					List.of("user")),
			new Family("/act", "POST", "/act", "{\"role\":\"nobody-handles-this\"}", List.of("user"), null),
			new Family("/registry/**", "GET", "/registry/services", null, List.of("operator"), List.of("user")),
			new Family("/messaging/dead-letters", "GET", "/messaging/dead-letters", null, List.of("operator"),
					List.of("user")),
			new Family("actuator (not health)", "GET", "/actuator/info", null, List.of("operator"), List.of("user")));

	/** What a token can get wrong, and what the node must answer. */
	enum Case {
		NO_TOKEN(401, "needs an authenticated caller"),
		BAD_SIGNATURE(401, "signature does not verify"),
		EXPIRED(401, "expired at"),
		NOT_YET_VALID(401, "not valid before"),
		WRONG_ISSUER(401, "issuer (iss)"),
		WRONG_AUDIENCE(401, "audience (aud)"),
		ALG_NONE(401, "is not signed with"),
		/** HS256 with the RSA public key's bytes as the HMAC secret, against a node configured for RS256. */
		HS_RS_CONFUSION(401, "is not signed with RS256"),
		MISSING_ROLE(403, "needs the role"),
		VALID(0, "");

		final int status;

		final String detail;

		Case(int status, String detail) {
			this.status = status;
			this.detail = detail;
		}
	}

	/** The keys of one node configuration: how its valid tokens are signed, and how the wrong ones are. */
	record Keys(JWSAlgorithm algorithm, JWSSigner trusted, JWSSigner untrusted, @Nullable JWSSigner confusion) {
	}

	/**
	 * Every family paired with every case, but those in {@code leftOut} and missing-role cases on families any
	 * authenticated caller may call.
	 */
	static Stream<Arguments> trials(List<Family> families, Set<Case> leftOut) {
		return families.stream()
				.flatMap(family -> Stream.of(Case.values())
						.filter(trial -> !leftOut.contains(trial))
						.filter(trial -> trial != Case.MISSING_ROLE || family.lacking() != null)
						.map(trial -> Arguments.of(family, trial)));
	}

	/** Checks {@code family} against {@code trial} on the node at {@code port}. */
	static void check(int port, Keys keys, Family family, Case trial) throws Exception {
		String token = switch (trial) {
			case NO_TOKEN -> null;
			case BAD_SIGNATURE -> sign(keys.algorithm(), keys.untrusted(), claims(family.roles(), b -> b));
			case EXPIRED -> sign(keys.algorithm(), keys.trusted(), claims(family.roles(),
					b -> b.issueTime(Date.from(Instant.now().minus(Duration.ofHours(2))))
							.expirationTime(Date.from(Instant.now().minus(Duration.ofHours(1))))));
			case NOT_YET_VALID -> sign(keys.algorithm(), keys.trusted(), claims(family.roles(),
					b -> b.notBeforeTime(Date.from(Instant.now().plus(Duration.ofHours(1))))));
			case WRONG_ISSUER -> sign(keys.algorithm(), keys.trusted(), claims(family.roles(), b -> b.issuer("mallory")));
			case WRONG_AUDIENCE -> sign(keys.algorithm(), keys.trusted(),
					claims(family.roles(), b -> b.audience("another-service")));
			case ALG_NONE -> new PlainJWT(new PlainHeader(), claims(family.roles(), b -> b)).serialize();
			case HS_RS_CONFUSION -> sign(JWSAlgorithm.HS256, keys.confusion(), claims(family.roles(), b -> b));
			case MISSING_ROLE -> sign(keys.algorithm(), keys.trusted(), claims(family.lacking(), b -> b));
			case VALID -> sign(keys.algorithm(), keys.trusted(), claims(family.roles(), b -> b));
		};
		HttpResponse<String> response = send(port, family, token);
		if (trial == Case.VALID) {
			assertThat(response.statusCode()).as("%s %s", family, response.body()).isNotIn(401, 403);
			return;
		}
		assertThat(response.statusCode()).as("%s %s: %s", trial, family, response.body()).isEqualTo(trial.status);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		JsonNode problem = JSON.readTree(response.body());
		assertThat(problem.path("status").asInt()).isEqualTo(trial.status);
		assertThat(problem.path("title").asString()).isNotBlank();
		assertThat(problem.path("code").asString()).isEqualTo(trial.status == 401 ? "UNAUTHENTICATED" : "PERMISSION_DENIED");
		assertThat(problem.path("detail").asString()).contains(trial.detail);
		assertThat(response.body()).doesNotContain("Exception", "\tat ", "org.springframework", "com.nimbusds");
		if (trial.status == 401) {
			assertThat(response.headers().allValues("WWW-Authenticate")).anyMatch(challenge -> challenge.startsWith("Bearer"));
		}
		if (trial != Case.NO_TOKEN && trial != Case.MISSING_ROLE) {
			assertThat(response.headers().allValues("WWW-Authenticate"))
					.anyMatch(challenge -> challenge.contains("error=\"invalid_token\""));
		}
	}

	static JWTClaimsSet claims(List<String> roles, Function<JWTClaimsSet.Builder, JWTClaimsSet.Builder> change) {
		Instant now = Instant.now();
		return change.apply(new JWTClaimsSet.Builder()
				.subject("matrix-caller")
				.issuer("cleave")
				.audience("cleave")
				.issueTime(Date.from(now))
				.expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
				.claim("roles", roles)).build();
	}

	static String sign(JWSAlgorithm algorithm, @Nullable JWSSigner signer, JWTClaimsSet claims) throws Exception {
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT).build(), claims);
		jwt.sign(signer);
		return jwt.serialize();
	}

	static HttpResponse<String> send(int port, Family family, @Nullable String token)
			throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + family.path()))
				.timeout(Duration.ofSeconds(10))
				.header("Content-Type", "application/json")
				.method(family.method(), family.body() == null ? HttpRequest.BodyPublishers.noBody()
						: HttpRequest.BodyPublishers.ofString(family.body()));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}
}
