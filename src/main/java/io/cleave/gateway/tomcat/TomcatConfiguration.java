package io.cleave.gateway.tomcat;

import org.apache.catalina.startup.Tomcat;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
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
}
