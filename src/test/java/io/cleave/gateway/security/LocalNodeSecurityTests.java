package io.cleave.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACSigner;

import io.cleave.gateway.web.ClientIdentity;
import io.cleave.messaging.MessageBus;
import io.cleave.messaging.Registration;
import io.cleave.rpc.CallContext;
import io.cleave.testing.FreshDataDirectory;
import io.cleave.testing.TestCallers;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.server.resource.web.OAuth2ProtectedResourceMetadataFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.logout.LogoutFilter;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.context.request.async.WebAsyncManagerIntegrationFilter;
import org.springframework.security.web.savedrequest.RequestCacheAwareFilter;
import org.springframework.security.web.session.DisableEncodeUrlFilter;
import org.springframework.security.web.session.SessionManagementFilter;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.filter.CorsFilter;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A node in the default (local) profile with the test configuration: HS256 bearer tokens, an operator with HTTP Basic,
 * two API keys, and two configured route rules. The security matrix over every protected route family, then each
 * other way in.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
		"cleave.registry.etcd-api.port=0",
		"cleave.gateway.security.routes[0].path=/api/Audit/**",
		"cleave.gateway.security.routes[0].roles=auditor",
		"cleave.gateway.security.routes[1].path=/api/Open/**",
		"cleave.gateway.security.routes[1].access=public",
		"cleave.gateway.cors[0].path=/api/**",
		"cleave.gateway.cors[0].allowed-origins=https://shop.example",
		"cleave.gateway.cors[0].allowed-methods=POST" })
class LocalNodeSecurityTests {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final SecurityMatrix.Keys KEYS;

	static {
		try {
			KEYS = new SecurityMatrix.Keys(JWSAlgorithm.HS256,
					new MACSigner(TestCallers.JWT_SECRET.getBytes(StandardCharsets.UTF_8)),
					new MACSigner("another-secret-of-at-least-thirty-two-bytes".getBytes(StandardCharsets.UTF_8)), null);
		}
		catch (Exception ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private static Registration whoAmI;

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void freshDataDirectory(DynamicPropertyRegistry registry) {
		FreshDataDirectory.register(registry, "cleave-security-local-");
	}

	@BeforeAll
	static void handlers(@Autowired MessageBus bus) {
		// What a handler behind /act sees as its caller: what RPC calls it makes carry on.
		whoAmI = bus.handle("role:security-test,cmd:whoami", message -> JSON.createObjectNode()
				.put("caller", CallContext.current() == null ? "none" : CallContext.current().caller()));
	}

	@AfterAll
	static void release() {
		whoAmI.close();
	}

	static Stream<Arguments> matrix() {
		// No RSA key here to confuse with: that case runs against the RS256 node.
		return SecurityMatrix.trials(SecurityMatrix.FAMILIES, Set.of(SecurityMatrix.Case.HS_RS_CONFUSION));
	}

	@ParameterizedTest(name = "{1} on {0}")
	@MethodSource("matrix")
	void everyProtectedRouteFamilyAnswersEachTokenAsItShould(SecurityMatrix.Family family, SecurityMatrix.Case trial)
			throws Exception {
		SecurityMatrix.check(port, KEYS, family, trial);
	}

	@Test
	void healthIsPublicAndTheRestOfActuatorIsNot() throws Exception {
		assertThat(send(get("/actuator/health")).statusCode()).isEqualTo(200);
		assertThat(send(get("/actuator/health/liveness")).statusCode()).isEqualTo(200);
		assertThat(send(get("/actuator/prometheus")).statusCode()).isEqualTo(401);
		assertThat(send(TestCallers.asOperator(get("/actuator/prometheus"))).statusCode()).isEqualTo(200);
	}

	@Test
	void aPathNoRuleNamesNeedsAnAuthenticatedCaller() throws Exception {
		assertThat(send(get("/nowhere")).statusCode()).isEqualTo(401);
		assertThat(send(TestCallers.asUser(get("/nowhere"))).statusCode()).isEqualTo(404);
	}

	@Test
	void aRouteDeclaredPublicNeedsNoCredentials() throws Exception {
		HttpResponse<String> response = send(post("/api/Open/Nothing", "{}"));

		assertThat(response.statusCode()).as(response.body()).isEqualTo(404); // reached the RPC route: no such service
	}

	@Test
	void apiDocsAndSwaggerUiArePublicOnALocalNode() throws Exception {
		for (String path : List.of("/v3/api-docs", "/swagger-ui/index.html", "/swagger-ui.html")) {
			assertThat(send(get(path)).statusCode()).as(path).isNotIn(401, 403);
		}
	}

	@Test
	void anOperatorSignsInWithHttpBasic() throws Exception {
		HttpResponse<String> response = send(get("/registry/services")
				.header("Authorization", TestCallers.basic(TestCallers.OPERATOR, TestCallers.OPERATOR_PASSWORD)));

		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(response.headers().firstValue("Set-Cookie")).as("stateless: no session").isEmpty();
	}

	@Test
	void aWrongBasicPasswordIs401WithBothChallenges() throws Exception {
		HttpResponse<String> response = send(get("/registry/services")
				.header("Authorization", TestCallers.basic(TestCallers.OPERATOR, "not-the-password")));

		JsonNode problem = assertProblem(response, 401);
		assertThat(problem.path("detail").asString()).isEqualTo("the HTTP Basic user name or password is not valid");
		assertThat(response.headers().allValues("WWW-Authenticate"))
				.anyMatch(challenge -> challenge.startsWith("Basic realm=\"cleave\""))
				.anyMatch(challenge -> challenge.startsWith("Bearer realm=\"cleave\""));
	}

	@Test
	void anApiKeyAuthenticatesAServiceAccountWithItsRoles() throws Exception {
		HttpResponse<String> call = send(post("/api/Nope/Nothing", "{}").header("X-API-Key", TestCallers.SERVICE_API_KEY));
		HttpResponse<String> registry = send(get("/registry/services").header("X-API-Key", TestCallers.SERVICE_API_KEY));
		HttpResponse<String> monitor = send(get("/registry/services").header("X-API-Key", TestCallers.MONITOR_API_KEY));

		assertThat(call.statusCode()).as(call.body()).isEqualTo(404);
		assertThat(assertProblem(registry, 403).path("detail").asString())
				.isEqualTo("this route needs the role 'operator'; test-service has none of them");
		assertThat(monitor.statusCode()).as(monitor.body()).isEqualTo(200);
	}

	@Test
	void anUnknownApiKeyIs401() throws Exception {
		HttpResponse<String> response = send(get("/registry/services").header("X-API-Key", "ck_guessed"));

		assertThat(assertProblem(response, 401).path("detail").asString())
				.isEqualTo("the X-API-Key is not a key this node knows");
	}

	@Test
	void anApiKeyBesideABearerTokenIsRefused() throws Exception {
		HttpResponse<String> response = send(TestCallers.asOperator(get("/registry/services"))
				.header("X-API-Key", TestCallers.SERVICE_API_KEY));

		assertThat(assertProblem(response, 401).path("detail").asString()).contains("one credential per request");
	}

	@Test
	void theAuthenticatedCallerIsTheClientIdentity() throws Exception {
		assertThat(send(get("/test/identity").header("X-API-Key", TestCallers.SERVICE_API_KEY)).body())
				.isEqualTo("test-service");
		assertThat(send(TestCallers.asUser(get("/test/identity"))).body()).isEqualTo("test-user");
		assertThat(send(get("/test/identity")
				.header("Authorization", TestCallers.basic(TestCallers.OPERATOR, TestCallers.OPERATOR_PASSWORD))).body())
				.isEqualTo(TestCallers.OPERATOR);
	}

	@Test
	void actCarriesTheAuthenticatedCallerIntoTheCallContext() throws Exception {
		HttpResponse<String> response = send(TestCallers.asUser(post("/act",
				"{\"role\":\"security-test\",\"cmd\":\"whoami\"}")));

		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(JSON.readTree(response.body()).path("caller").asString()).isEqualTo("test-user");
	}

	@Test
	void aUrlThatCouldDodgePathRulesIsRefusedAsAProblem() throws Exception {
		for (String path : List.of("/registry;x=1/services", "/api/Open/..;/../registry/services")) {
			HttpResponse<String> response = send(TestCallers.asUser(get(path)));
			assertThat(assertProblem(response, 400).path("detail").asString()).as(path).contains("refused");
		}
	}

	@Test
	void aCorsPreflightIsAnsweredBeforeAuthenticationWhenCorsIsConfigured() throws Exception {
		HttpResponse<String> preflight = send(get("/api/Nope/Nothing")
				.method("OPTIONS", HttpRequest.BodyPublishers.noBody())
				.header("Origin", "https://shop.example")
				.header("Access-Control-Request-Method", "POST"));

		assertThat(preflight.statusCode()).as(preflight.body()).isEqualTo(200);
		assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://shop.example");
	}

	@Test
	void everyAnswerCarriesTheHeadersAnApiNeedsAndNoLegacyOnes() throws Exception {
		List<HttpResponse<String>> answers = List.of(
				send(get("/actuator/health")),
				send(TestCallers.asUser(get("/test/identity"))),
				send(TestCallers.asUser(post("/api/Nope/Nothing", "{}"))),
				send(TestCallers.asUser(get("/nowhere"))),
				send(get("/registry/services")),
				send(TestCallers.asUser(get("/registry/services"))),
				send(get("/registry/services").header("X-API-Key", "ck_guessed")));

		assertThat(answers).extracting(HttpResponse::statusCode).containsExactly(200, 200, 404, 404, 401, 403, 401);
		for (HttpResponse<String> answer : answers) {
			assertThat(answer.headers().allValues("Cache-Control")).as("%s", answer).containsExactly("no-store");
			assertThat(answer.headers().allValues("X-Content-Type-Options")).as("%s", answer).containsExactly("nosniff");
			assertThat(answer.headers().allValues("X-Frame-Options")).as("%s", answer).containsExactly("DENY");
			assertThat(answer.headers().map()).as("%s", answer)
					.doesNotContainKeys("pragma", "expires", "x-xss-protection", "strict-transport-security");
		}
	}

	@Test
	void aHandlersOwnCacheControlIsKept() throws Exception {
		HttpResponse<String> response = send(TestCallers.asUser(get("/test/cacheable")));

		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(response.headers().allValues("Cache-Control")).containsExactly("max-age=60");
		HttpResponse<String> expiring = send(TestCallers.asUser(get("/test/expiring")));
		assertThat(expiring.headers().firstValue("Expires")).isPresent();
		assertThat(expiring.headers().allValues("Cache-Control")).isEmpty();
	}

	@Test
	void noRequestEverCreatesASession(@Autowired SessionCounter sessions) throws Exception {
		long before = sessions.created.get();
		List<HttpResponse<String>> answers = List.of(
				send(TestCallers.asUser(get("/test/identity"))),
				send(get("/test/identity")
						.header("Authorization", TestCallers.basic(TestCallers.OPERATOR, TestCallers.OPERATOR_PASSWORD))),
				send(get("/test/identity").header("X-API-Key", TestCallers.SERVICE_API_KEY)),
				send(get("/registry/services")),
				send(TestCallers.asUser(get("/registry/services"))),
				send(TestCallers.asUser(post("/act", "{\"role\":\"security-test\",\"cmd\":\"whoami\"}"))));

		assertThat(answers).extracting(HttpResponse::statusCode).containsExactly(200, 200, 200, 401, 403, 200);
		assertThat(answers).allSatisfy(answer -> assertThat(answer.headers().firstValue("Set-Cookie")).isEmpty());
		assertThat(sessions.created.get()).isEqualTo(before);
	}

	@Test
	void aSessionIdIsNeverWrittenIntoAUrl() throws Exception {
		// Even where a handler makes a session, which nothing in Cleave does.
		HttpResponse<String> response = send(TestCallers.asUser(get("/test/session-url")));

		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("/next");
	}

	@Test
	void theChainHoldsNoFilterThatOnlyServesSessionsOrRepeatsCors(@Autowired SecurityFilterChain chain) {
		assertThat(chain.getFilters()).extracting(Object::getClass).doesNotContainAnyElementsOf(List.of(
				SessionManagementFilter.class, DisableEncodeUrlFilter.class, RequestCacheAwareFilter.class,
				CorsFilter.class, CsrfFilter.class, LogoutFilter.class, WebAsyncManagerIntegrationFilter.class,
				OAuth2ProtectedResourceMetadataFilter.class));
	}

	@Test
	void publishesNoProtectedResourceMetadataThatWouldClaimWhatTheNodeDoesNotCheck() throws Exception {
		HttpResponse<String> response = send(get("/.well-known/oauth-protected-resource"));

		assertProblem(response, 401);
	}

	@Test
	void bootCreatesNoDefaultUser(@Autowired ApplicationContext context) {
		assertThat(context.getBeansOfType(UserDetailsService.class)).isEmpty();
	}

	private HttpRequest.Builder get(String path) {
		return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(10));
	}

	private HttpRequest.Builder post(String path, String body) {
		return get(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
	}

	private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static JsonNode assertProblem(HttpResponse<String> response, int status) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		JsonNode problem = JSON.readTree(response.body());
		assertThat(problem.path("status").asInt()).isEqualTo(status);
		assertThat(response.body()).doesNotContain("Exception", "org.springframework");
		return problem;
	}

	/** Answers with the request's client identity, as every gateway concern sees it. */
	@TestConfiguration(proxyBeanMethods = false)
	@RestController
	static class IdentityEndpoint {

		@GetMapping("/test/identity")
		String identity(HttpServletRequest request) {
			return ClientIdentity.of(request);
		}

		@GetMapping("/test/cacheable")
		ResponseEntity<String> cacheable() {
			return ResponseEntity.ok().cacheControl(CacheControl.maxAge(Duration.ofSeconds(60))).body("cacheable");
		}

		@GetMapping("/test/expiring")
		ResponseEntity<String> expiring() {
			return ResponseEntity.ok().header("Expires", "Thu, 01 Jan 2037 00:00:00 GMT").body("expiring");
		}

		@GetMapping("/test/session-url")
		String sessionUrl(HttpServletRequest request, HttpServletResponse response) {
			request.getSession(true);
			return response.encodeURL("/next");
		}

		@Bean
		SessionCounter sessionCounter() {
			return new SessionCounter();
		}
	}

	/** Counts the sessions the servlet container creates. */
	static final class SessionCounter implements HttpSessionListener {

		final AtomicLong created = new AtomicLong();

		@Override
		public void sessionCreated(HttpSessionEvent event) {
			created.incrementAndGet();
		}
	}
}
