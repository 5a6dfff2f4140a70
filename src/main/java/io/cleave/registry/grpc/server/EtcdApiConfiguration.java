package io.cleave.registry.grpc.server;

import java.net.URI;
import java.util.List;

import io.cleave.registry.KeyValueStore;
import io.cleave.registry.Leases;
import io.cleave.registry.RegistryProperties;
import io.cleave.registry.Watches;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Serves etcd's v3 API from the embedded store; a node that uses an external etcd
 * ({@code cleave.registry.endpoints}) has nothing to serve.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EtcdApiConfiguration.OnEmbeddedStore.class)
class EtcdApiConfiguration {

	@Bean
	EtcdMember etcdMember(@Value("${spring.application.name:cleave}") String cluster,
			@Value("${cleave.node.name:cleave-1}") String node) {
		return EtcdMember.of(cluster, node);
	}

	@Bean
	EtcdApiServer etcdApiServer(RegistryProperties properties, KeyValueStore store, Leases leases, Watches watches,
			EtcdMember member) {
		return new EtcdApiServer(properties.etcdApi(), List.of(
				new KvService(store, member),
				new WatchService(watches, store, member),
				new LeaseService(leases, store, member),
				new MaintenanceService(store, member)));
	}

	// TODO replace with io.cleave.registry.internal.OnEmbeddedStore once the embedded store lands on main.
	static final class OnEmbeddedStore implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return Binder.get(context.getEnvironment())
					.bind("cleave.registry.endpoints", Bindable.listOf(URI.class))
					.orElse(List.of())
					.isEmpty();
		}
	}
}
