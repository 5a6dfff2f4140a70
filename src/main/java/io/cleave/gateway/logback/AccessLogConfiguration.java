package io.cleave.gateway.logback;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Buffers the access log's console lines when the node logs through Logback, as Boot sets it up by default. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = "ch.qos.logback.classic.LoggerContext")
class AccessLogConfiguration {

	@Bean
	BufferedAccessLog bufferedAccessLog() {
		return new BufferedAccessLog();
	}
}
