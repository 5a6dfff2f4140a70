package io.cleave.registry.jooq;

import java.time.InstantSource;

import io.cleave.registry.RegistryProperties;
import io.cleave.registry.internal.OnEmbeddedStore;
import io.cleave.registry.internal.WatchHub;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.jooq.DSLContext;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/** The embedded registry store, used unless {@code cleave.registry.endpoints} names an external etcd. */
@Configuration(proxyBeanMethods = false)
@Conditional(OnEmbeddedStore.class)
class EmbeddedStoreConfiguration {

	@Bean
	JooqKeyValueStore registryKeyValueStore(DSLContext dsl, PlatformTransactionManager transactions,
			ObjectProvider<InstantSource> clock) {
		return new JooqKeyValueStore(dsl, transactions, clock.getIfAvailable(InstantSource::system));
	}

	@Bean
	JooqLeases registryLeases(DSLContext dsl, JooqKeyValueStore store, ObjectProvider<InstantSource> clock,
			PlatformTransactionManager transactions) {
		return new JooqLeases(dsl, store, clock.getIfAvailable(InstantSource::system), transactions);
	}

	@Bean
	StoreHousekeeping registryHousekeeping(JooqLeases leases, JooqKeyValueStore store,
			RegistryProperties properties) {
		RegistryProperties.Store settings = properties.store();
		return new StoreHousekeeping(leases, store, settings.leaseCheckInterval(), settings.historyRetention(),
				settings.compactionInterval());
	}

	/** The store's revision and how many watches it serves: the first things to look at when watchers lag. */
	@Bean
	MeterBinder registryStoreMetrics(JooqKeyValueStore store, WatchHub hub) {
		return meters -> {
			Gauge.builder("cleave.registry.revision", store, s -> s.positions().revision())
					.description("The embedded store's current revision")
					.register(meters);
			Gauge.builder("cleave.registry.watches", hub, WatchHub::size)
					.description("Watches the embedded store is serving")
					.register(meters);
		};
	}

	@Bean
	WatchHub registryWatchHub(JooqKeyValueStore store, RegistryProperties properties) {
		RegistryProperties.Store settings = properties.store();
		return new WatchHub(store, settings.pollInterval(), settings.progressInterval(), settings.watchBuffer());
	}

	/**
	 * Readiness: the embedded store answers (its tables exist only once its migrations ran), read at its current
	 * revision; an error makes the node unready (see application.yml).
	 */
	@Bean
	HealthIndicator registryStoreHealthIndicator(JooqKeyValueStore store) {
		return () -> {
			try {
				var positions = store.positions();
				return Health.up()
						.withDetail("revision", positions.revision())
						.withDetail("compactRevision", positions.compactRevision())
						.build();
			}
			catch (RuntimeException unreadable) {
				return Health.down(unreadable).build();
			}
		};
	}
}
