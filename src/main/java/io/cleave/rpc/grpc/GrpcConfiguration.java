package io.cleave.rpc.grpc;

import io.cleave.CleaveProperties;
import io.cleave.registry.RegistryProperties;
import io.cleave.registry.ServiceInstanceDeregistered;
import io.cleave.registry.ServiceInstanceExpired;
import io.cleave.registry.ServiceRegistry;
import io.cleave.rpc.RpcProperties;
import io.cleave.rpc.endpoint.LocalEndpoints;
import io.cleave.rpc.endpoint.RpcTransport;
import io.cleave.rpc.endpoint.ServiceCatalog;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/**
 * RPC over gRPC, on when {@code cleave.transport.rpc=grpc}: the server of this node's hosted services, the client
 * transport to the others, and their {@code .proto} files over HTTP.
 * <p>
 * Plain grpc-java rather than Boot's gRPC starter: the services' descriptors are derived at run time (there are no
 * generated stubs to register as beans), and the starter would also serve every other {@code BindableService} bean
 * of the context, such as the registry's etcd API, on the RPC port.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "cleave.transport.rpc", havingValue = "grpc")
class GrpcConfiguration {

	@Bean
	GrpcMethods rpcGrpcMethods(ServiceCatalog catalog) {
		return new GrpcMethods(catalog.services());
	}

	@Bean
	GrpcSettings rpcGrpcSettings(RpcProperties rpc, CleaveProperties cleave, RegistryProperties registry,
			ObjectProvider<BuildProperties> build) {
		BuildProperties buildProperties = build.getIfAvailable();
		String zone = registry.instance().zone();
		return new GrpcSettings(rpc.grpc(), cleave.node().name(), zone.isBlank() ? null : zone,
				registry.instance().weight(), buildProperties == null ? null : buildProperties.getVersion());
	}

	@Bean
	GrpcServer rpcGrpcServer(GrpcSettings settings, GrpcMethods methods, ServiceCatalog catalog,
			LocalEndpoints endpoints, ServiceRegistry registry, RpcProperties rpc) {
		return new GrpcServer(settings, methods, catalog.hosted(), endpoints, registry, rpc.defaultDeadline());
	}

	/** Readiness: the node is not ready before its RPC gRPC port listens (see application.yml). */
	@Bean
	HealthIndicator rpcGrpcHealthIndicator(GrpcServer server) {
		return server::health;
	}

	@Bean(destroyMethod = "close")
	RemoteInstances rpcRemoteInstances(ServiceRegistry registry, GrpcSettings settings) {
		return new RemoteInstances(registry, settings.grpc(), settings.zone());
	}

	@Bean
	RpcTransport grpcRpcTransport(GrpcMethods methods, RemoteInstances instances, RpcProperties rpc,
			ObjectProvider<ObservationRegistry> observations) {
		return new GrpcRpcTransport(methods, instances, rpc.maxAttempts(),
				observations.getIfAvailable(() -> ObservationRegistry.NOOP));
	}

	@Bean
	InstanceDepartures rpcInstanceDepartures(RemoteInstances instances) {
		return new InstanceDepartures(instances);
	}

	/** Closes the connections to instances that leave the registry. */
	record InstanceDepartures(RemoteInstances instances) {

		@EventListener
		void on(ServiceInstanceDeregistered event) {
			instances.forget(event.instance());
		}

		@EventListener
		void on(ServiceInstanceExpired event) {
			instances.forget(event.instance());
		}
	}
}
