package io.cleave.registry.grpc.server;

import java.util.List;

import io.cleave.CleaveProperties;
import io.cleave.registry.KeyValueStore;
import io.cleave.registry.Leases;
import io.cleave.registry.RegistryProperties;
import io.cleave.registry.Watches;
import io.cleave.registry.internal.AsyncWrites;
import io.cleave.registry.internal.EventLog;
import io.cleave.registry.internal.OnEmbeddedStore;
import io.cleave.registry.internal.RequestLimits;
import io.cleave.registry.internal.StoreMaintenance;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * Serves etcd's v3 API from the embedded store, unless {@code cleave.registry.etcd-api.enabled} is false (then no
 * gRPC port is opened); a node that uses an external etcd ({@code cleave.registry.endpoints}) has nothing to serve.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(OnEmbeddedStore.class)
@ConditionalOnBooleanProperty(name = "cleave.registry.etcd-api.enabled", matchIfMissing = true)
class EtcdApiConfiguration {

	@Bean
	EtcdMember etcdMember(@Value("${spring.application.name:cleave}") String cluster, CleaveProperties cleave) {
		return EtcdMember.of(cluster, cleave.node().name());
	}

	@Bean
	EtcdApiServer etcdApiServer(RegistryProperties properties, KeyValueStore store, AsyncWrites writes, Leases leases,
			Watches watches, EventLog log, EtcdMember member, RequestLimits limits, StoreMaintenance maintenance) {
		return new EtcdApiServer(properties.etcdApi(), limits.requestBytes(), List.of(
				new KvService(store, writes, member, limits),
				new WatchService(watches, store, member, limits.watchResponseBytes()),
				new LeaseService(leases, log::latestRevision, member),
				new MaintenanceService(store, maintenance, member)), KvService.NON_BLOCKING);
	}

	/** Readiness: the node is not ready before etcd's API listens (see application.yml). */
	@Bean
	HealthIndicator etcdApiHealthIndicator(EtcdApiServer server, RegistryProperties properties) {
		String address = properties.etcdApi().address();
		return () -> server.isRunning() ? Health.up().withDetail("listening", address + ":" + server.port()).build()
				: Health.outOfService().withDetail("waiting for", "etcd's v3 API to listen on " + address).build();
	}
}
