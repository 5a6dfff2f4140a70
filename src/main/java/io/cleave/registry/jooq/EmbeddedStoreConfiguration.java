package io.cleave.registry.jooq;

import java.time.InstantSource;

import io.cleave.registry.RegistryProperties;
import io.cleave.registry.internal.OnEmbeddedStore;
import io.cleave.registry.internal.WatchHub;

import org.jooq.DSLContext;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/** The embedded registry store, used unless {@code cleave.registry.endpoints} names an external etcd. */
@Configuration(proxyBeanMethods = false)
@Conditional(OnEmbeddedStore.class)
class EmbeddedStoreConfiguration {

	@Bean
	JooqKeyValueStore registryKeyValueStore(DSLContext dsl, PlatformTransactionManager transactions) {
		return new JooqKeyValueStore(dsl, transactions);
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

	@Bean
	WatchHub registryWatchHub(JooqKeyValueStore store, RegistryProperties properties) {
		RegistryProperties.Store settings = properties.store();
		return new WatchHub(store, settings.pollInterval(), settings.progressInterval(), settings.watchBuffer());
	}
}
