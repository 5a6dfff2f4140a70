package io.cleave.registry.jooq;

import io.cleave.registry.KeyValueStore;
import io.cleave.registry.RegistryProperties;
import io.cleave.registry.internal.LimitedKeyValueStore;
import io.cleave.registry.internal.OnEmbeddedStore;
import io.cleave.registry.internal.RequestLimits;
import io.cleave.registry.internal.StoreMaintenance;

import org.jooq.DSLContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The embedded store's request limits — with the store everyone outside this package gets, the jOOQ store behind
 * them (an external etcd enforces its own) — and what etcd's Maintenance service reports about it.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(OnEmbeddedStore.class)
class EmbeddedStoreAdministration {

	@Bean
	RequestLimits registryRequestLimits(RegistryProperties properties) {
		return new RequestLimits(properties.limits());
	}

	@Bean
	@Primary
	KeyValueStore registryLimitedKeyValueStore(JooqKeyValueStore store, RequestLimits limits) {
		return new LimitedKeyValueStore(store, limits);
	}

	@Bean
	StoreMaintenance registryStoreMaintenance(DSLContext dsl, PlatformTransactionManager transactions) {
		return new JooqStoreMaintenance(dsl, transactions);
	}
}
