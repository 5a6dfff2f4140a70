package io.cleave.gateway.tomcat;

import io.micrometer.core.instrument.MeterRegistry;

import org.apache.catalina.startup.Tomcat;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Tomcat's own error answers as problems, and a body limit Tomcat does not undermine, when the node runs on Tomcat. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(Tomcat.class)
class TomcatConfiguration {

	@Bean
	TomcatProblems tomcatProblems() {
		return new TomcatProblems();
	}

	/**
	 * Tomcat answers {@code Expect: 100-continue} at once by default, inviting a body the body limit then refuses:
	 * answer it only when the application reads, so a body over the limit is never sent at all.
	 */
	@Bean
	TomcatConnectorCustomizer continueOnlyWhenTheBodyIsRead() {
		return connector -> connector.setProperty("continueResponseTiming", "onRead");
	}

	/**
	 * Tomcat's metrics without starting the JVM's platform MBean server (Boot's binder backs off for this one);
	 * with Tomcat's MBean registry switched on, Boot's own binder finds Tomcat's MBeans there as usual.
	 */
	@Bean
	@ConditionalOnProperty(name = "server.tomcat.mbeanregistry.enabled", havingValue = "false", matchIfMissing = true)
	TomcatMetricsOffPlatformMBeanServer tomcatMetricsBinder(MeterRegistry registry) {
		return new TomcatMetricsOffPlatformMBeanServer(registry);
	}
}
