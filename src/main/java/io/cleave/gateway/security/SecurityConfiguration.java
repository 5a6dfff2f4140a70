package io.cleave.gateway.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.SessionTrackingMode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.cleave.CleaveProperties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.ServletContextInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.oauth2.server.resource.web.OAuth2ProtectedResourceMetadataFilter;
import org.springframework.security.web.DefaultSecurityFilterChain;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.request.async.WebAsyncManagerIntegrationFilter;

/**
 * The node's one security filter chain, over every HTTP path: stateless (no session, no CSRF token, as no browser
 * session exists to ride on), authenticating bearer tokens, operators' Basic credentials and API keys, then
 * authorizing by {@link RouteAccess}. In the {@code prod} profile it refuses to start without a JWT key and an operator
 * credential; elsewhere it generates a JWT secret at each start for {@code bin/cleave token}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET) // a node without HTTP has no edge
@EnableConfigurationProperties(GatewaySecurityProperties.class)
class SecurityConfiguration {

	/** The Cache-Control of every answer that sets none of its own. */
	static final String NO_STORE = "no-store";

	/** The profile in which nothing works out of the box. */
	static final String PROD = "prod";

	private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

	/**
	 * A bean, not a private object: Boot then creates neither its own decoder nor its default user with a generated
	 * password (a credential out of the box).
	 */
	@Bean
	JwtDecoder gatewayJwtDecoder(GatewaySecurityProperties settings, CleaveProperties cleave, Environment environment) {
		GatewaySecurityProperties.Jwt jwt = settings.jwt();
		boolean prod = environment.matchesProfiles(PROD);
		if (prod) {
			requireCredentials(settings);
		}
		if (jwt.hasSecret()) {
			return BearerTokens.decoder(jwt, jwt.secret().getBytes(StandardCharsets.UTF_8), Clock.systemUTC());
		}
		if (jwt.hasPublicKey()) {
			return BearerTokens.decoder(jwt, null, Clock.systemUTC());
		}
		String algorithm = jwt.configuredAlgorithm();
		if (algorithm != null && !algorithm.startsWith("HS")) {
			throw new SecuritySettingsException("cleave.gateway.security.jwt.algorithm is " + algorithm
					+ ", but neither cleave.gateway.security.jwt.public-key-location nor jwk-set-uri is set",
					"Set the public key (PEM) or the identity provider's JWK set URI.");
		}
		DevelopmentSecret secret = DevelopmentSecret.generate(jwt);
		Path dataDir = cleave.dataDir();
		try {
			Path file = secret.writeTo(dataDir);
			log.info("Generated a JWT secret for this run (no prod profile, none configured) in {}; "
					+ "'bin/cleave token' mints a development token with it", file);
		}
		catch (IOException | RuntimeException unwritable) {
			log.warn("Generated a JWT secret for this run but could not write it under {} ({}); "
					+ "'bin/cleave token' cannot mint tokens for this node", dataDir, unwritable.toString());
		}
		return BearerTokens.decoder(jwt, secret.bytes(), Clock.systemUTC());
	}

	/** Nothing works out of the box in prod: a JWT key and an operator credential must be configured. */
	private static void requireCredentials(GatewaySecurityProperties settings) {
		List<String> missing = new ArrayList<>();
		if (!settings.jwt().hasSecret() && !settings.jwt().hasPublicKey()) {
			missing.add("a JWT key: cleave.gateway.security.jwt.secret (HS256, at least 32 bytes), "
					+ "cleave.gateway.security.jwt.public-key-location or cleave.gateway.security.jwt.jwk-set-uri");
		}
		if (!settings.hasOperatorCredential()) {
			missing.add("an operator credential: cleave.gateway.security.operators[0].name and .password "
					+ "(a {bcrypt} hash), or an entry of cleave.gateway.security.api-keys with roles [operator]");
		}
		if (!missing.isEmpty()) {
			throw new SecuritySettingsException("The prod profile is active and the HTTP edge would have no usable "
					+ "credentials. Missing:\n - " + String.join("\n - ", missing),
					"Set them, e.g. CLEAVE_GATEWAY_SECURITY_JWT_SECRET from your secret store, and an operator whose "
							+ "password hash 'bin/cleave password' prints; or start without the prod profile for "
							+ "local development (a JWT secret is then generated at every start).");
		}
	}

	@Bean
	SecurityFilterChain gatewaySecurityFilterChain(HttpSecurity http, JwtDecoder decoder,
			GatewaySecurityProperties settings, Environment environment) throws Exception {
		SecurityProblems problems = new SecurityProblems();
		RouteAccess routes = new RouteAccess(settings.routes(), !environment.matchesProfiles(PROD));
		// CORS is the servlet filter's that runs ahead of this chain (GatewayCors, from the same rules): it answers
		// preflights, which carry no credentials, before authentication could refuse them, and marks allowed
		// cross-origin calls, so a second CorsFilter in here (Spring Security adds one when a CORS source bean
		// exists) would only look the same rules up again for every request.
		http.cors(AbstractHttpConfigurer::disable)
				.csrf(AbstractHttpConfigurer::disable)
				.logout(AbstractHttpConfigurer::disable)
				.requestCache(AbstractHttpConfigurer::disable)
				.formLogin(AbstractHttpConfigurer::disable)
				// Stateless, spelled out: the security context lives on the request only, and there is no session
				// management, so no SessionManagementFilter (it acts on a session, which this chain never makes) nor
				// DisableEncodeUrlFilter wrapping every response (sessions are tracked by cookie only, so a session
				// id is never written into a URL: gatewaySessionTracking). LocalNodeSecurityTests checks both.
				.securityContext(contexts -> contexts.securityContextRepository(
						new RequestAttributeSecurityContextRepository()))
				.sessionManagement(AbstractHttpConfigurer::disable)
				.headers(headers -> headers.defaultsDisabled()
						// What an API's answers need (OWASP's REST security cheat sheet): not to be sniffed as another
						// type, framed or stored by a cache (no-store says it all to HTTP/1.1 caches: Spring's
						// "no-cache, max-age=0, must-revalidate" beside it, Pragma, which RFC 9111 deprecates and
						// never defined for responses, and Expires, which caches ignore beside Cache-Control, add
						// nothing), and HSTS on HTTPS. Left out: X-XSS-Protection, whose "0" only switches off a
						// filter browsers have removed. Each header costs a quarter of a µs to write.
						.contentTypeOptions(Customizer.withDefaults())
						.frameOptions(frames -> frames.deny())
						.httpStrictTransportSecurity(Customizer.withDefaults())
						.addHeaderWriter(SecurityConfiguration::noStoreUnlessSaidOtherwise))
				.httpBasic(basic -> basic.realmName(SecurityProblems.REALM).authenticationEntryPoint(problems))
				.oauth2ResourceServer(resourceServer -> resourceServer
						.bearerTokenResolver(new BearerTokenHeader())
						.jwt(jwt -> {
							if (decoder instanceof VerifiedTokens tokens) {
								jwt.authenticationManager(new BearerAuthentication(tokens));
							}
							else { // a decoder of the application's own
								jwt.decoder(decoder).jwtAuthenticationConverter(
										Authorities.ofTokens(settings.jwt().rolesClaim()));
							}
						})
						.authenticationEntryPoint(problems)
						.accessDeniedHandler(problems))
				.exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(problems)
						.accessDeniedHandler(problems))
				.authenticationProvider(operators(settings.operators()))
				.addFilterAfter(new ApiKeyAuthentication(settings.apiKeys(), problems), BasicAuthenticationFilter.class)
				.addFilterBefore(new CallerIdentity(), AuthorizationFilter.class)
				.authorizeHttpRequests(requests -> requests
						// The error page renders the status of a request that was already let in or refused.
						.dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
						.anyRequest().access(routes));
		return withoutFiltersOfNoUse(http.build());
	}

	/**
	 * {@code Cache-Control: no-store} where Spring's CacheControlHeadersWriter would have written its three headers:
	 * not on a 304, nor beside a Cache-Control, Expires or Pragma the handler (or a proxied upstream) set itself.
	 */
	private static void noStoreUnlessSaidOtherwise(HttpServletRequest request, HttpServletResponse response) {
		if (response.getStatus() != HttpStatus.NOT_MODIFIED.value() && !response.containsHeader(HttpHeaders.CACHE_CONTROL)
				&& !response.containsHeader(HttpHeaders.EXPIRES) && !response.containsHeader(HttpHeaders.PRAGMA)) {
			response.setHeader(HttpHeaders.CACHE_CONTROL, NO_STORE);
		}
	}

	/**
	 * The chain less two filters Spring Security adds on its own, with no setting to leave them out, and that do
	 * nothing for this node but cost each request a filter's bookkeeping (together about half a µs of the edge's CPU
	 * per request, bench/gateway.sh): the WebAsyncManagerIntegrationFilter, which hands the security context to
	 * handlers' {@code Callable}s, which no route returns (they answer on the request's own virtual thread); and the
	 * OAuth2ProtectedResourceMetadataFilter, which would publish RFC 9728 metadata at
	 * {@code /.well-known/oauth-protected-resource} naming no authorization server and claiming certificate-bound
	 * tokens this node does not check: nothing a client could use, and a wrong claim. That path is then like any other
	 * no rule names: for authenticated callers only.
	 */
	private static SecurityFilterChain withoutFiltersOfNoUse(DefaultSecurityFilterChain chain) {
		return new DefaultSecurityFilterChain(chain.getRequestMatcher(), chain.getFilters().stream()
				.filter(filter -> !(filter instanceof WebAsyncManagerIntegrationFilter
						|| filter instanceof OAuth2ProtectedResourceMetadataFilter))
				.toList());
	}

	/**
	 * Sessions, should anything ever create one, are tracked by cookie only: the container then never writes a
	 * session id into a URL ({@code encodeURL}), which is what Spring Security's DisableEncodeUrlFilter would
	 * otherwise ensure by wrapping every response.
	 */
	@Bean
	ServletContextInitializer gatewaySessionTracking() {
		return servletContext -> servletContext.setSessionTrackingModes(EnumSet.of(SessionTrackingMode.COOKIE));
	}

	/**
	 * No observation per security filter, authentication and authorization: Spring Security would wrap each of the
	 * chain's filters in one, which cost about a tenth of the edge's CPU per request (bench/gateway.sh, profiled).
	 * The request itself stays observed (http.server.requests, its span, the access log line), 401s and 403s
	 * included.
	 */
	@Bean
	SecurityObservationSettings gatewaySecurityObservations() {
		return SecurityObservationSettings.noObservations();
	}

	/** The URL checks of Spring Security's strict firewall ({@link PlainUrlFirewall}); refusals as problems. */
	@Bean
	WebSecurityCustomizer gatewayFirewall() {
		return web -> web.httpFirewall(new PlainUrlFirewall()).requestRejectedHandler(new SecurityProblems());
	}

	private static DaoAuthenticationProvider operators(List<GatewaySecurityProperties.Operator> operators) {
		List<UserDetails> users = operators.stream()
				.map(operator -> User.withUsername(operator.name())
						.password(operator.password())
						.authorities(Authorities.ofRoles(operator.roles()))
						.build())
				.toList();
		DaoAuthenticationProvider provider = new DaoAuthenticationProvider(new InMemoryUserDetailsManager(users));
		provider.setPasswordEncoder(passwords());
		return provider;
	}

	/** Only slow, salted hashes: no {noop}, no plain digests. */
	static PasswordEncoder passwords() {
		return new DelegatingPasswordEncoder("bcrypt", Map.of("bcrypt", new BCryptPasswordEncoder(),
				"argon2", Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8()));
	}
}
