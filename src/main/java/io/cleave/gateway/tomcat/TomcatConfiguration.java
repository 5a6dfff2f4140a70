package io.cleave.gateway.tomcat;

import org.apache.catalina.startup.Tomcat;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Tomcat's own error answers as problems, when the node runs on Tomcat. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(Tomcat.class)
class TomcatConfiguration {

	@Bean
	TomcatProblems tomcatProblems() {
		return new TomcatProblems();
	}
}
