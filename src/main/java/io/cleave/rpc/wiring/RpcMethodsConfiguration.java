package io.cleave.rpc.wiring;

import io.cleave.rpc.RpcMethods;
import io.cleave.rpc.endpoint.ServiceCatalog;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class RpcMethodsConfiguration {

	@Bean
	RpcMethods rpcMethods(ServiceCatalog catalog) {
		return new CatalogRpcMethods(catalog);
	}
}
