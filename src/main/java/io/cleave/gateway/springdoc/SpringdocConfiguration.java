package io.cleave.gateway.springdoc;

import io.cleave.rpc.RpcMethods;

import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class SpringdocConfiguration {

	/** Applied when the document is first asked for, not at start. */
	@Bean
	OpenApiCustomizer gatewayOpenApi(RpcMethods rpc, ObjectProvider<BuildProperties> build) {
		BuildProperties properties = build.getIfAvailable();
		return new GatewayOpenApi(rpc, properties == null ? "unknown" : properties.getVersion());
	}
}
