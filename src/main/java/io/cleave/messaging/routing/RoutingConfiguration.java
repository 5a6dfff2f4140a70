package io.cleave.messaging.routing;

import java.time.Duration;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.cleave.CleaveProperties;
import io.cleave.registry.KeyValueStore;
import io.cleave.registry.RegistryProperties;
import io.cleave.registry.ServiceRegistry;
import io.cleave.registry.Watches;

/** The pattern table on whichever registry backend is active, attached to this node's lease. */
@Configuration(proxyBeanMethods = false)
class RoutingConfiguration {

	@Bean
	PatternTable patternTable(KeyValueStore kv, Watches watches, ServiceRegistry registry, CleaveProperties cleave,
			RegistryProperties properties) {
		// As often as discovery renews the node's lease, so a replaced lease is noticed before the next renewal.
		Duration leaseCheck = properties.instanceTtl().dividedBy(3);
		return new PatternTable(kv, watches, registry::nodeLease, cleave.node().name(), leaseCheck);
	}
}
