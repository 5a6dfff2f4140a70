package io.cleave.registry.internal;

import io.cleave.CleaveProperties;
import io.cleave.registry.KeyValueStore;
import io.cleave.registry.Leases;
import io.cleave.registry.RegistryProperties;
import io.cleave.registry.ServiceInstance;
import io.cleave.registry.ServiceRegistry;
import io.cleave.registry.Watches;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Discovery on whichever backend is active — the embedded store or an external etcd — and this node's own
 * registration.
 */
@Configuration(proxyBeanMethods = false)
class DiscoveryConfiguration {

	@Bean
	WatchedServiceRegistry serviceRegistry(KeyValueStore kv, Leases leases, Watches watches,
			RegistryProperties properties, ApplicationEventPublisher publisher,
			PlatformTransactionManager transactions) {
		// Published in a transaction so that the event publication registry records them for module listeners.
		TransactionTemplate tx = new TransactionTemplate(transactions);
		return new WatchedServiceRegistry(kv, leases, watches, properties.instanceTtl(),
				event -> tx.executeWithoutResult(status -> publisher.publishEvent(event)));
	}

	/** How many live instances each service has, as this node's discovery cache sees them. */
	@Bean
	MeterBinder discoveryMetrics(WatchedServiceRegistry registry) {
		return meters -> Gauge.builder("cleave.registry.instances", registry, r -> r.instanceCount())
				.description("Live service instances in this node's discovery cache")
				.register(meters);
	}

	@Bean
	NodeRegistration nodeRegistration(ServiceRegistry registry, RegistryProperties properties,
			CleaveProperties cleave, ObjectProvider<BuildProperties> build) {
		BuildProperties buildProperties = build.getIfAvailable();
		return new NodeRegistration(registry, properties.instance(), cleave.node().name(),
				buildProperties == null ? null : buildProperties.getVersion());
	}

	/** Readiness: the node is not ready before its own instance is in the registry (see application.yml). */
	@Bean
	HealthIndicator nodeRegistrationHealthIndicator(NodeRegistration registration) {
		return () -> {
			ServiceInstance instance = registration.instance();
			String key = "/cleave/services/" + instance.service() + "/" + instance.id();
			return registration.registered() ? Health.up().withDetail("instance", key).build()
					: Health.outOfService().withDetail("waiting for", "registration of " + key).build();
		};
	}
}
