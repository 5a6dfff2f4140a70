package io.cleave.gateway.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.servlet.DispatcherType;

import io.cleave.CleaveProperties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.firewall.StrictHttpFirewall;

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

	/** The bean name of the CORS settings Spring Security applies before authentication, when there are any. */
	static final String CORS = "corsConfigurationSource";

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
			GatewaySecurityProperties settings, Environment environment, ApplicationContext context) throws Exception {
		SecurityProblems problems = new SecurityProblems();
		if (context.containsBean(CORS)) {
			// CORS preflights carry no credentials: they are answered ahead of authentication, from that bean.
			http.cors(Customizer.withDefaults());
		}
		RouteAccess routes = new RouteAccess(settings.routes(), !environment.matchesProfiles(PROD));
		http.csrf(AbstractHttpConfigurer::disable)
				.logout(AbstractHttpConfigurer::disable)
				.requestCache(AbstractHttpConfigurer::disable)
				.formLogin(AbstractHttpConfigurer::disable)
				.sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
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
		return http.build();
	}

	/**
	 * Spring Security's firewall keeps its URL checks (no path parameters, encoded or doubled slashes, dot segments),
	 * which keep path rules from being dodged; header and parameter values are left to Tomcat's own syntax checks and
	 * the routes, since the firewall would otherwise throw in the middle of Spring MVC when a route reads one.
	 */
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

	@Bean
	WebSecurityCustomizer gatewayFirewall() {
		StrictHttpFirewall firewall = new StrictHttpFirewall();
		firewall.setAllowedHeaderNames(name -> true);
		firewall.setAllowedHeaderValues(value -> true);
		firewall.setAllowedParameterNames(name -> true);
		firewall.setAllowedParameterValues(value -> true);
		return web -> web.httpFirewall(firewall).requestRejectedHandler(new SecurityProblems());
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
