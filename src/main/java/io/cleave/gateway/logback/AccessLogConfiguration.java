package io.cleave.gateway.logback;

import ch.qos.logback.classic.LoggerContext;

import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DependsOn;

/**
 * The access log's console lines buffered, and {@code logback.events} counted without a TurboFilter, when the node logs
 * through Logback, as Boot sets it up by default.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = { "ch.qos.logback.classic.LoggerContext", "io.micrometer.core.instrument.MeterRegistry" })
class AccessLogConfiguration {

	/**
	 * In place of Boot's binder (same bean name, same meters); null, so no bean and no Logback metrics, when SLF4J is
	 * bound to another logging system, as Boot's binder would not be there either.
	 */
	@Bean
	LogEventCounts logbackMetrics() {
		return LoggerFactory.getILoggerFactory() instanceof LoggerContext logback ? new LogEventCounts(logback) : null;
	}

	/** After the event counts, so that the access logger gets their appender with the root's others. */
	@Bean
	@DependsOn("logbackMetrics")
	BufferedAccessLog bufferedAccessLog() {
		return new BufferedAccessLog();
	}
}
