package io.cleave.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;

import io.cleave.testing.FreshDataDirectory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A node in the {@code prod} profile verifying RS256 tokens with a PEM public key (and the test configuration's
 * operator and API keys): the same matrix plus HS/RS confusion, and the API docs, which need an operator here.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
		"cleave.registry.etcd-api.port=0",
		"cleave.gateway.security.jwt.secret=",
		"cleave.gateway.security.routes[0].path=/api/Audit/**",
		"cleave.gateway.security.routes[0].roles=auditor" })
@ActiveProfiles(SecurityConfiguration.PROD)
class ProdNodeSecurityTests {

	private static final KeyPair TRUSTED = rsa();

	private static final String PUBLIC_PEM = "-----BEGIN PUBLIC KEY-----\n"
			+ Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
					.encodeToString(TRUSTED.getPublic().getEncoded())
			+ "\n-----END PUBLIC KEY-----\n";

	private static final SecurityMatrix.Keys KEYS = keys();

	/** The API docs: public on a local node, an operator's in prod (404 until springdoc is in the build). */
	private static final SecurityMatrix.Family API_DOCS = new SecurityMatrix.Family("/v3/api-docs outside local", "GET",
			"/v3/api-docs", null, List.of("operator"), List.of("user"));

	@LocalServerPort
	int port;

	@Value("${cleave.data-dir}")
	String dataDir;

	@DynamicPropertySource
	static void settings(DynamicPropertyRegistry registry) throws Exception {
		Path dataDir = FreshDataDirectory.create("cleave-security-prod-");
		Path pem = Files.writeString(dataDir.resolve("jwt-public.pem"), PUBLIC_PEM);
		registry.add("cleave.data-dir", dataDir::toString);
		registry.add("cleave.gateway.security.jwt.public-key-location", () -> "file:" + pem);
	}

	static Stream<Arguments> matrix() {
		return SecurityMatrix.trials(Stream.concat(SecurityMatrix.FAMILIES.stream(), Stream.of(API_DOCS)).toList(),
				Set.of());
	}

	@ParameterizedTest(name = "{1} on {0}")
	@MethodSource("matrix")
	void everyProtectedRouteFamilyAnswersEachTokenAsItShould(SecurityMatrix.Family family, SecurityMatrix.Case trial)
			throws Exception {
		SecurityMatrix.check(port, KEYS, family, trial);
	}

	@Test
	void noDevelopmentSecretIsWrittenInProd() throws Exception {
		try (Stream<Path> files = Files.list(Path.of(dataDir))) {
			assertThat(files.map(file -> file.getFileName().toString()))
					.isNotEmpty()
					.doesNotContain(DevelopmentSecret.FILE_NAME);
		}
	}

	private static KeyPair rsa() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			return generator.generateKeyPair();
		}
		catch (Exception ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private static SecurityMatrix.Keys keys() {
		try {
			return new SecurityMatrix.Keys(JWSAlgorithm.RS256, new RSASSASigner((RSAPrivateKey) TRUSTED.getPrivate()),
					new RSASSASigner((RSAPrivateKey) rsa().getPrivate()),
					// The classic confusion: the verifier's public key, as published, used as an HMAC secret.
					new MACSigner(PUBLIC_PEM.getBytes(StandardCharsets.US_ASCII)));
		}
		catch (Exception ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}
}
