package io.cleave.registry.grpc.client;

import io.cleave.registry.RegistryProperties;
import io.cleave.registry.internal.OnExternalEtcd;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * Uses an external etcd cluster as the registry's store when {@code cleave.registry.endpoints} names one: a single
 * {@link EtcdGrpcClient} is the {@code KeyValueStore}, {@code Leases} and {@code Watches} bean, closed with the
 * context.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(OnExternalEtcd.class)
class EtcdClientConfiguration {

	@Bean(destroyMethod = "close")
	EtcdGrpcClient etcdGrpcClient(RegistryProperties properties) {
		return new EtcdGrpcClient(properties.endpoints(), EtcdGrpcClient.DEFAULT_TIMEOUT);
	}
}
