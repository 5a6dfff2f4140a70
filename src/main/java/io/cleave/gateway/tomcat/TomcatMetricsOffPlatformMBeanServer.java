package io.cleave.gateway.tomcat;

import java.util.List;

import javax.management.MBeanServerFactory;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.tomcat.TomcatMetrics;

import org.apache.catalina.Container;
import org.apache.catalina.Context;
import org.apache.catalina.Manager;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.tomcat.metrics.TomcatMetricsBinder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;

/**
 * Boot's binding of Tomcat's metrics, with an MBean server of its own instead of the JVM's platform MBean server.
 */
final class TomcatMetricsOffPlatformMBeanServer extends TomcatMetricsBinder {

	private final MeterRegistry registry;

	private volatile @Nullable TomcatMetrics metrics;

	TomcatMetricsOffPlatformMBeanServer(MeterRegistry registry) {
		super(registry);
		this.registry = registry;
	}

	/**
	 * Micrometer's {@code TomcatMetrics} looks for Tomcat's MBeans in the platform MBean server, creating it: on the
	 * start's main thread, before the node is ready, that costs ~0.2 s of registering the JVM's own MBeans (cold) for
	 * nothing, since Boot keeps Tomcat's MBean registry off ({@code server.tomcat.mbeanregistry.enabled=false}) and
	 * Cleave does not use JMX. An empty private server finds the same nothing; the session meters read the manager.
	 */
	@Override
	public void onApplicationEvent(ApplicationStartedEvent event) {
		TomcatMetrics bound = new TomcatMetrics(manager(event.getApplicationContext()), List.of(),
				MBeanServerFactory.newMBeanServer());
		bound.bindTo(registry);
		metrics = bound;
	}

	private static @Nullable Manager manager(ApplicationContext context) {
		if (context instanceof WebServerApplicationContext web && web.getWebServer() instanceof TomcatWebServer tomcat) {
			for (Container child : tomcat.getTomcat().getHost().findChildren()) {
				if (child instanceof Context webApp) {
					return webApp.getManager();
				}
			}
		}
		return null;
	}

	@Override
	public void destroy() {
		TomcatMetrics bound = metrics;
		if (bound != null) {
			bound.close();
		}
	}
}
