package io.cleave.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import io.cleave.CleaveApplication;
import io.cleave.testing.FreshDataDirectory;

import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.validation.beanvalidation.LocalValidatorFactoryBean;

/**
 * What the node does with its security settings at start: refuses to start in {@code prod} without credentials,
 * naming the missing properties; refuses unusable settings; and, in the local profile, generates a JWT secret for
 * {@code bin/cleave token}, whose tokens the node accepts.
 */
class SecurityStartTests {

	/** Boot's locations without the test class path's config/application.yml, whose test credentials would help. */
	private static final String WITHOUT_TEST_CREDENTIALS = "--spring.config.location=optional:classpath:/,optional:file:./config/";

	@Test
	void theProdProfileRefusesToStartWithoutAJwtKeyAndAnOperatorNamingThem() {
		Path dataDir = FreshDataDirectory.create("cleave-security-prod-refusal-");

		assertThatThrownBy(() -> start(List.of(SecurityConfiguration.PROD), dataDir).close())
				.satisfies(failure -> {
					SecuritySettingsException missing = rootOfType(failure, SecuritySettingsException.class);
					assertThat(missing.getMessage()).contains("cleave.gateway.security.jwt.secret",
							"cleave.gateway.security.jwt.jwk-set-uri", "cleave.gateway.security.operators",
							"cleave.gateway.security.api-keys");
					FailureAnalysis analysis = analyzers().stream()
							.map(analyzer -> analyzer.analyze(failure))
							.filter(found -> found != null)
							.findFirst()
							.orElseThrow();
					assertThat(analysis.getDescription()).isEqualTo(missing.getMessage());
					assertThat(analysis.getAction()).contains("bin/cleave password");
				});
	}

	@Test
	void aLocalNodeGeneratesASecretOnlyItsOwnerCanReadAndAcceptsTheTokensMintedWithIt() throws Exception {
		Path dataDir = FreshDataDirectory.create("cleave-security-local-token-");
		try (ConfigurableApplicationContext node = start(List.of(), dataDir)) {
			Path file = dataDir.resolve(DevelopmentSecret.FILE_NAME);
			assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
			int port = ((WebServerApplicationContext) node).getWebServer().getPort();

			String operator = mint("token", "--data-dir", dataDir.toString(), "--ttl", "5m");
			String user = mint("token", "--data-dir", dataDir.toString(), "--roles", "user", "--subject", "dev");

			assertThat(get(port, "/registry/services", operator).statusCode()).isEqualTo(200);
			assertThat(get(port, "/registry/services", user).statusCode()).isEqualTo(403);
			assertThat(get(port, "/registry/services", null).statusCode()).isEqualTo(401);
		}
	}

	@Test
	void mintingRefusesLongLivedTokensAndExplainsAMissingSecret() {
		Path empty = FreshDataDirectory.create("cleave-security-no-secret-");
		ByteArrayOutputStream err = new ByteArrayOutputStream();

		int tooLong = SecurityCommands.run(List.of("token", "--data-dir", empty.toString(), "--ttl", "9h"),
				new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
		int missing = SecurityCommands.run(List.of("token", "--data-dir", empty.toString()),
				new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));

		assertThat(tooLong).isEqualTo(2);
		assertThat(missing).isEqualTo(1);
		assertThat(err.toString(StandardCharsets.UTF_8)).contains("--ttl must be between 1s and 8h",
				"no development secret in " + empty.resolve(DevelopmentSecret.FILE_NAME));
	}

	@Test
	void anApiKeyIsPrintedWithTheHashTheNodeChecks() {
		ByteArrayOutputStream out = new ByteArrayOutputStream();

		SecurityCommands.run(List.of("api-key", "billing", "--roles", "user,billing"),
				new PrintStream(out, true, StandardCharsets.UTF_8), System.err);

		List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
		String key = lines.get(1).substring(2);
		assertThat(key).startsWith("ck_").hasSizeGreaterThan(40);
		assertThat(lines).contains("- name: billing", "  roles: [user, billing]",
				"  sha256: " + java.util.HexFormat.of().formatHex(ApiKeyAuthentication.sha256(key)));
	}

	@Test
	void unusableSettingsAreRefusedNamingTheProperty() {
		assertThat(invalid(Map.of("jwt.secret", "too-short"))).contains("jwt.secretLongEnough", "at least 32 bytes");
		assertThat(invalid(Map.of("jwt.secret", "x".repeat(32), "jwt.jwk-set-uri", "https://idp/certs")))
				.contains("jwt.oneKey");
		assertThat(invalid(Map.of("jwt.algorithm", "none"))).contains("jwt.algorithmKnown");
		assertThat(invalid(Map.of("jwt.algorithm", "RS256", "jwt.secret", "x".repeat(32)))).contains("algorithmForKey");
		assertThat(invalid(Map.of("jwt.clock-skew", "1h"))).contains("jwt.clockSkew");
		assertThat(invalid(Map.of("operators[0].name", "ops", "operators[0].password", "{noop}secret")))
				.contains("operators[0].password", "never a plain password");
		assertThat(invalid(Map.of("api-keys[0].name", "svc", "api-keys[0].sha256", "ck_the_key_itself")))
				.contains("api-keys[0].sha256", "SHA-256");
		assertThat(invalid(Map.of("routes[0].path", "/api/**", "routes[0].access", "public", "routes[0].roles", "x")))
				.contains("routes[0].narrowingAuthenticated");
	}

	private static String invalid(Map<String, String> settings) {
		Map<String, String> prefixed = new java.util.HashMap<>();
		settings.forEach((key, value) -> prefixed.put("cleave.gateway.security." + key, value));
		try (LocalValidatorFactoryBean validator = new LocalValidatorFactoryBean()) {
			validator.afterPropertiesSet();
			new Binder(new MapConfigurationPropertySource(prefixed)).bindOrCreate("cleave.gateway.security",
					Bindable.of(GatewaySecurityProperties.class), new ValidationBindHandler(validator));
		}
		catch (BindException failure) {
			BindValidationException validation = rootOfType(failure, BindValidationException.class);
			return validation.getValidationErrors().getAllErrors().toString();
		}
		throw new AssertionError("accepted: " + settings);
	}

	private static ConfigurableApplicationContext start(List<String> profiles, Path dataDir) {
		return new SpringApplicationBuilder(CleaveApplication.class)
				.profiles(profiles.toArray(String[]::new))
				.run(WITHOUT_TEST_CREDENTIALS, "--server.port=0", "--cleave.registry.etcd-api.port=0",
						"--cleave.data-dir=" + dataDir, "--spring.jmx.enabled=false", "--logging.level.root=warn");
	}

	private static String mint(String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int status = SecurityCommands.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8));
		assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
		return out.toString(StandardCharsets.UTF_8).strip();
	}

	private static HttpResponse<String> get(int port, String path, String token) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		try (HttpClient http = HttpClient.newHttpClient()) {
			return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
	}

	private static List<FailureAnalyzer> analyzers() {
		// Only Cleave's own: Boot's need constructor arguments a test cannot give.
		return SpringFactoriesLoader.forDefaultResourceLocation(SecurityStartTests.class.getClassLoader())
				.load(FailureAnalyzer.class, SpringFactoriesLoader.FailureHandler.handleMessage((message, failure) -> {
				}))
				.stream()
				.filter(SecuritySettingsFailureAnalyzer.class::isInstance)
				.toList();
	}

	private static <T extends Throwable> T rootOfType(Throwable failure, Class<T> type) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
		}
		throw new AssertionError("no " + type.getSimpleName() + " in " + failure, failure);
	}
}
