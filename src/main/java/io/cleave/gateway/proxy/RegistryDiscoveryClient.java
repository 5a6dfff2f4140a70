package io.cleave.gateway.proxy;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.cleave.registry.RegistryException;
import io.cleave.registry.ServiceInstance;
import io.cleave.registry.ServiceRegistry;

import org.jspecify.annotations.Nullable;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * Spring Cloud's view of Cleave's registry, so that {@code lb://<service>} routes (and anything else built on
 * Spring Cloud LoadBalancer) reach the live instances of a registered service. An instance is reachable over HTTP
 * when it advertises an {@code http} or {@code https} address; its zone, weight and version become the metadata
 * Spring Cloud LoadBalancer's zone-preference and weighted configurations read. Lookups are the registry's own, served
 * from its watch-fed cache, so an instance that leaves the registry stops being chosen as soon as the watch reports it.
 */
final class RegistryDiscoveryClient implements DiscoveryClient {

	private final ServiceRegistry registry;

	RegistryDiscoveryClient(ServiceRegistry registry) {
		this.registry = registry;
	}

	@Override
	public String description() {
		return "Cleave registry";
	}

	@Override
	public List<org.springframework.cloud.client.ServiceInstance> getInstances(String serviceId) {
		List<ServiceInstance> instances;
		try {
			instances = registry.instances(serviceId);
		}
		catch (RegistryException invalidName) {
			// not a valid service name (lb://Catalog): nothing can be registered under it
			return List.of();
		}
		return instances.stream()
				.map(RegistryDiscoveryClient::overHttp)
				.filter(Objects::nonNull)
				.toList();
	}

	@Override
	public List<String> getServices() {
		return registry.services().stream().sorted().toList();
	}

	private static org.springframework.cloud.client.@Nullable ServiceInstance overHttp(ServiceInstance instance) {
		URI address = instance.addresses().get("https");
		boolean secure = address != null;
		if (address == null) {
			address = instance.addresses().get("http");
		}
		if (address == null || address.getHost() == null || instance.weight() == 0) {
			return null;
		}
		int port = address.getPort() >= 0 ? address.getPort() : secure ? 443 : 80;
		Map<String, String> metadata = new HashMap<>(instance.metadata());
		metadata.put("weight", Integer.toString(instance.weight()));
		if (instance.zone() != null) {
			metadata.put("zone", instance.zone());
		}
		if (instance.version() != null) {
			metadata.put("version", instance.version());
		}
		return new DefaultServiceInstance(instance.id(), instance.service(), address.getHost(), port, secure, metadata);
	}
}
