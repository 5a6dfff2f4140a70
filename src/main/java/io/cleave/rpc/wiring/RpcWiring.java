package io.cleave.rpc.wiring;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.cleave.CleaveProperties;
import io.cleave.rpc.RpcInvoker;
import io.cleave.rpc.RpcProperties;
import io.cleave.rpc.endpoint.EndpointMiddlewares;
import io.cleave.rpc.endpoint.LocalEndpoints;
import io.cleave.rpc.endpoint.RpcContractException;
import io.cleave.rpc.endpoint.RpcTracing;
import io.cleave.rpc.endpoint.RpcTransport;
import io.cleave.rpc.endpoint.ServiceCatalog;
import io.cleave.rpc.endpoint.ServiceContracts;
import io.cleave.rpc.endpoint.ServiceDescriptor;
import io.cleave.rpc.inproc.InProcessRpcTransport;
import io.cleave.rpc.wiring.RpcServiceScanner.ServiceTypes;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.validation.Validator;
import tools.jackson.core.util.JsonRecyclerPools;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.jackson.autoconfigure.JsonFactoryBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * RPC's beans: the catalog of services, the endpoint chains of the hosted ones, the client proxies, the invoker by
 * name, and a start-up check that every hosted service has exactly one implementation inside its module.
 */
@Configuration(proxyBeanMethods = false)
class RpcWiring {

	@Bean
	static RpcServiceScanner rpcServiceScanner() {
		return new RpcServiceScanner();
	}

	@Bean
	ServiceCatalog rpcServiceCatalog(ServiceTypes types, CleaveProperties cleave) {
		return new ServiceCatalog(ServiceContracts.describeAll(types.modules()), cleave.node()::hosts);
	}

	@Bean
	LocalEndpoints rpcLocalEndpoints(ServiceCatalog catalog, ListableBeanFactory beans, RpcProperties properties,
			ObjectProvider<MeterRegistry> meters, ObjectProvider<RpcTracing> tracing, Validator validator) {
		return new LocalEndpoints(catalog, service -> implementation(beans, service),
				EndpointMiddlewares.standard(meters.getIfAvailable(SimpleMeterRegistry::new),
						tracing.getIfAvailable(RpcTracing::none).middleware(), validator,
						properties.maxConcurrentCalls()));
	}

	@Bean
	RpcClients rpcClients(ServiceCatalog catalog, LocalEndpoints endpoints, ObjectProvider<RpcTransport> remote,
			RpcProperties properties, CleaveProperties cleave, ObjectProvider<RpcTracing> tracing) {
		return new RpcClients(catalog, new InProcessRpcTransport(endpoints), remote::getIfUnique,
				properties.defaultDeadline(), cleave.node().name(),
				tracing.getIfAvailable(RpcTracing::none).outgoingMetadata());
	}

	/**
	 * The node's JSON buffers recycled through Jackson's bounded pool (a lock-guarded array queue) instead of its
	 * default concurrent deque, whose take cost every JSON read of a gateway call about 0.7 µs under load
	 * (bench/gateway.sh, JFR). Boot's customizer hook, so it applies to the node's one JSON mapper.
	 */
	@Bean
	JsonFactoryBuilderCustomizer boundedJsonBufferPool() {
		return factory -> factory.recyclerPool(JsonRecyclerPools.sharedBoundedPool());
	}

	@Bean
	RpcInvoker rpcInvoker(RpcClients clients, JsonMapper json) {
		return new JsonRpcInvoker(clients, json);
	}

	/** Fails start-up, listing every problem, unless each hosted service has one implementation in its module. */
	@Bean
	SmartInitializingSingleton rpcImplementationCheck(ServiceCatalog catalog, LocalEndpoints endpoints,
			ListableBeanFactory beans) {
		return () -> {
			List<String> problems = new ArrayList<>();
			for (ServiceDescriptor service : catalog.hosted()) {
				try {
					implementation(beans, service);
				}
				catch (RpcContractException broken) {
					problems.addAll(broken.problems());
				}
			}
			if (!problems.isEmpty()) {
				throw new RpcContractException(problems);
			}
			endpoints.initialize();
		};
	}

	/** The one bean implementing {@code service} in its module, the client proxy aside. */
	static Object implementation(ListableBeanFactory beans, ServiceDescriptor service) {
		List<String> names = Arrays.stream(beans.getBeanNamesForType(service.type()))
				.filter(name -> !name.endsWith(RpcServiceScanner.PROXY_SUFFIX))
				.toList();
		if (names.isEmpty()) {
			throw new RpcContractException(List.of("RPC service " + service + " has no implementation: module '"
					+ service.module() + "' is hosted on this node, so it must hold a bean implementing "
					+ service.type().getSimpleName()));
		}
		if (names.size() > 1) {
			throw new RpcContractException(List.of("RPC service " + service + " has " + names.size()
					+ " implementations (" + String.join(", ", names) + "); a service has exactly one"));
		}
		Object implementation = beans.getBean(names.getFirst());
		Class<?> implementationClass = AopUtils.getTargetClass(implementation);
		String home = service.type().getPackageName();
		if (!implementationClass.getPackageName().equals(home) && !implementationClass.getPackageName().startsWith(home + ".")) {
			throw new RpcContractException(List.of("RPC service " + service + " is implemented by "
					+ implementationClass.getName() + ", outside its module (" + home + "); the implementation"
					+ " belongs inside the module that declares the service"));
		}
		return implementation;
	}
}
