package io.cleave;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.modulith.Modulithic;
import org.springframework.scheduling.annotation.EnableAsync;

/**
 * Cleave: one jar hosting every module, each of which can be moved to its own process by configuration.
 *
 * <p>
 * The auto-configurations excluded are ones the libraries bring and Cleave never uses; each costs condition
 * evaluation and beans at every start (together about 9 % of the main thread's start-up CPU, bench/startup.sh).
 * Excluded here rather than with {@code spring.autoconfigure.exclude}, which a deployment's own list would replace.
 */
@Modulithic(systemName = "Cleave")
@SpringBootApplication(excludeName = {
		// Spring Cloud Context (a dependency of Spring Cloud LoadBalancer, for lb:// proxy routes): refresh scope, the
		// rebinder and their endpoints. Cleave's configuration is read once at start.
		"org.springframework.cloud.autoconfigure.ConfigurationPropertiesRebinderAutoConfiguration",
		"org.springframework.cloud.autoconfigure.LifecycleMvcEndpointAutoConfiguration",
		"org.springframework.cloud.autoconfigure.RefreshAutoConfiguration",
		"org.springframework.cloud.autoconfigure.RefreshEndpointAutoConfiguration",
		"org.springframework.cloud.autoconfigure.WritableEnvironmentEndpointAutoConfiguration",
		// Spring Cloud Commons: instances come from Cleave's registry (gateway.proxy.RegistryDiscoveryClient), where
		// every node registers itself; no static instance lists, service registry, hypermedia, token relay or reactive
		// clients.
		"org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration",
		"org.springframework.cloud.client.discovery.simple.reactive.SimpleReactiveDiscoveryClientAutoConfiguration",
		"org.springframework.cloud.client.ReactiveCommonsClientAutoConfiguration",
		"org.springframework.cloud.client.serviceregistry.AutoServiceRegistrationAutoConfiguration",
		"org.springframework.cloud.client.serviceregistry.ServiceRegistryAutoConfiguration",
		"org.springframework.cloud.client.hypermedia.CloudHypermediaAutoConfiguration",
		"org.springframework.cloud.commons.security.ResourceServerTokenRelayAutoConfiguration",
		"org.springframework.cloud.configuration.CompatibilityVerifierAutoConfiguration",
		// Spring Integration: messaging's LocalQueue uses a QueueChannel as a plain object; no flows, channels as
		// beans, integration graph or integration metrics (the queues have their own meters). Broker transports built
		// on Spring Integration take these three off the list.
		"org.springframework.boot.integration.autoconfigure.IntegrationAutoConfiguration",
		"org.springframework.boot.integration.autoconfigure.IntegrationGraphEndpointAutoConfiguration",
		"org.springframework.boot.integration.autoconfigure.metrics.IntegrationMetricsAutoConfiguration",
		// Spring Modulith's moments (time events) and event externalization (to brokers: take it off the list with
		// the first externalized event).
		"org.springframework.modulith.moments.autoconfigure.MomentsAutoConfiguration",
		"org.springframework.modulith.moments.autoconfigure.MomentsJacksonAutoConfiguration",
		"org.springframework.modulith.events.config.EventExternalizationAutoConfiguration",
		// Servlet stack, RestClient only, traces (not logs) through OpenTelemetry.
		"org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration",
		"org.springframework.boot.restclient.autoconfigure.RestTemplateAutoConfiguration",
		"org.springframework.boot.restclient.autoconfigure.RestTemplateObservationAutoConfiguration",
		"org.springframework.boot.opentelemetry.autoconfigure.logging.OpenTelemetryLoggingAutoConfiguration",
		"org.springframework.boot.opentelemetry.autoconfigure.logging.otlp.OtlpLoggingAutoConfiguration" })
@EnableConfigurationProperties(CleaveProperties.class)
@EnableAsync // @ApplicationModuleListener delivers events after commit, off the publishing thread
public class CleaveApplication {

	public static void main(String[] args) {
		// jOOQ prints a 20-line logo and a "tip of the day" on its first query: not for a server's log (an operator's
		// own -Dorg.jooq.no-logo=false still has them).
		for (String quiet : new String[] { "org.jooq.no-logo", "org.jooq.no-tips" }) {
			if (System.getProperty(quiet) == null) {
				System.setProperty(quiet, "true");
			}
		}
		SpringApplication.run(CleaveApplication.class, args);
	}
}
