package io.cleave.registry.internal;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Map;

import io.cleave.registry.RegistryProperties;
import io.cleave.registry.ServiceInstance;
import io.cleave.registry.ServiceRegistry;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;

/**
 * Registers this node as an instance of its service once it is ready to serve, with the addresses its transports
 * listen on; the instance lives on the node's lease, so it goes when the node stops or dies.
 */
public final class NodeRegistration {

	private final ServiceRegistry registry;

	private final RegistryProperties.Instance settings;

	private final String nodeName;

	private final @Nullable String version;

	private final Map<String, URI> addresses = new LinkedHashMap<>();

	private volatile boolean registered;

	public NodeRegistration(ServiceRegistry registry, RegistryProperties.Instance settings, String nodeName,
			@Nullable String version) {
		this.registry = registry;
		this.settings = settings;
		this.nodeName = nodeName;
		this.version = version;
	}

	@EventListener
	void on(WebServerInitializedEvent event) {
		if (event.getApplicationContext().getServerNamespace() == null) { // not the management server
			addresses.put("http", URI.create("http://" + host() + ":" + event.getWebServer().getPort()));
		}
	}

	@EventListener
	void on(ApplicationReadyEvent event) {
		registry.registerWithNode(instance());
		registered = true;
	}

	/** Whether this node's instance is registered: one of the things it must have done before it can serve. */
	public boolean registered() {
		return registered;
	}

	/** This node's instance as it is registered. */
	public ServiceInstance instance() {
		return new ServiceInstance(settings.service(), nodeName, addresses, blankToNull(settings.zone()), version,
				settings.weight(), settings.metadata());
	}

	private String host() {
		if (!settings.host().isBlank()) {
			return settings.host();
		}
		try {
			return InetAddress.getLocalHost().getHostAddress();
		}
		catch (UnknownHostException ex) {
			return InetAddress.getLoopbackAddress().getHostAddress();
		}
	}

	private static @Nullable String blankToNull(String value) {
		return value.isBlank() ? null : value;
	}
}
