package io.cleave.registry;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.context.event.EventListener;

/** Collects the discovery events a node publishes, whichever thread publishes them. */
public class DiscoveryEvents {

	private final List<Object> received = new CopyOnWriteArrayList<>();

	@EventListener
	void on(ServiceInstanceRegistered event) {
		received.add(event);
	}

	@EventListener
	void on(ServiceInstanceDeregistered event) {
		received.add(event);
	}

	@EventListener
	void on(ServiceInstanceExpired event) {
		received.add(event);
	}

	/** The events about one instance, as {@code Registered}, {@code Deregistered} or {@code Expired}. */
	public List<String> about(String service, String id) {
		return received.stream()
				.filter(e -> instanceOf(e).service().equals(service) && instanceOf(e).id().equals(id))
				.map(e -> e.getClass().getSimpleName().replace("ServiceInstance", ""))
				.toList();
	}

	private static ServiceInstance instanceOf(Object event) {
		return switch (event) {
			case ServiceInstanceRegistered r -> r.instance();
			case ServiceInstanceDeregistered d -> d.instance();
			case ServiceInstanceExpired x -> x.instance();
			default -> throw new IllegalArgumentException(event.toString());
		};
	}
}
