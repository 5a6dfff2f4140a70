package io.cleave.registry.grpc.client;

import java.net.URI;

import io.cleave.registry.RegistryProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Uses an external etcd cluster as the registry's store when {@code cleave.registry.endpoints} names one: a single
 * {@link EtcdGrpcClient} is the {@code KeyValueStore}, {@code Leases} and {@code Watches} bean, closed with the
 * context.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EtcdClientConfiguration.EndpointsConfigured.class)
class EtcdClientConfiguration {

	@Bean(destroyMethod = "close")
	EtcdGrpcClient etcdGrpcClient(RegistryProperties properties) {
		return new EtcdGrpcClient(properties.endpoints(), EtcdGrpcClient.DEFAULT_TIMEOUT);
	}

	/**
	 * Matches when {@code cleave.registry.endpoints} binds to a non-empty list, whichever way it is written
	 * ({@code a,b} or {@code endpoints[0]=a}) — which a plain property-presence condition would not see.
	 */
	static final class EndpointsConfigured implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return Binder.get(context.getEnvironment())
					.bind("cleave.registry.endpoints", Bindable.listOf(URI.class))
					.map(endpoints -> !endpoints.isEmpty())
					.orElse(false);
		}
	}
}
