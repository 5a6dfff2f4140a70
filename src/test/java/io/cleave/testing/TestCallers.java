package io.cleave.testing;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Credentials tests present to a node's HTTP edge: every test request to a protected route goes through one of
 * these, so that the way tests authenticate is defined once. Test nodes accept them because
 * {@code src/test/resources/config/application.yml} (nodes in the test JVM) and {@link CleaveProcess} (nodes in their
 * own processes) configure the same test-only secret; nothing in {@code src/main} knows it.
 */
public final class TestCallers {

	/** The HS256 secret of test nodes ({@code cleave.gateway.security.jwt.secret}). */
	public static final String JWT_SECRET = "cleave-test-only-hs256-secret-never-valid-on-a-real-node";

	/** The issuer and audience test nodes expect (the defaults). */
	public static final String ISSUER = "cleave";

	public static final String AUDIENCE = "cleave";

	/** An operator who signs in with HTTP Basic (a cost-4 bcrypt hash in the test configuration). */
	public static final String OPERATOR = "test-operator";

	public static final String OPERATOR_PASSWORD = "test-operator-password";

	/** A service account's API key, with the role {@code user}; and one with the role {@code operator}. */
	public static final String SERVICE_API_KEY = "ck_test-only-api-key-of-the-test-service";

	public static final String MONITOR_API_KEY = "ck_test-only-api-key-of-the-test-monitor";

	private TestCallers() {
	}

	/** The request as an operator (may read and change the registry, dead letters, actuator). */
	public static HttpRequest.Builder asOperator(HttpRequest.Builder request) {
		return request.header("Authorization", operatorAuthorization());
	}

	/** The request as an authenticated caller without the operator role (may call {@code /api/**}, {@code /act}). */
	public static HttpRequest.Builder asUser(HttpRequest.Builder request) {
		return request.header("Authorization", userAuthorization());
	}

	/** An {@code Authorization} header value for an operator, for requests not made with {@code HttpClient}. */
	public static String operatorAuthorization() {
		return "Bearer " + token(OPERATOR, List.of("operator"));
	}

	/** An {@code Authorization} header value for a user without the operator role. */
	public static String userAuthorization() {
		return "Bearer " + token("test-user", List.of("user"));
	}

	/** HTTP Basic credentials as an {@code Authorization} header value. */
	public static String basic(String name, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((name + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	/** A token test nodes accept for an hour: {@code subject} holding {@code roles}. */
	public static String token(String subject, List<String> roles) {
		Instant now = Instant.now();
		return sign(new JWTClaimsSet.Builder()
				.subject(subject)
				.issuer(ISSUER)
				.audience(AUDIENCE)
				.issueTime(Date.from(now))
				.expirationTime(Date.from(now.plus(Duration.ofHours(1))))
				.claim("roles", roles)
				.build(), JWT_SECRET.getBytes(StandardCharsets.UTF_8));
	}

	/** {@code claims} signed HS256 with {@code secret} (at least 32 bytes). */
	public static String sign(JWTClaimsSet claims, byte[] secret) {
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims);
		try {
			jwt.sign(new MACSigner(secret));
		}
		catch (JOSEException ex) {
			throw new IllegalArgumentException(ex);
		}
		return jwt.serialize();
	}
}
