package io.cleave.registry.grpc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import io.cleave.registry.KeyRange;
import io.cleave.registry.KeyValueStore;
import io.cleave.registry.Leases;
import io.cleave.registry.RangeQuery;
import io.cleave.registry.RegistryException;
import io.cleave.registry.RegistryProperties;
import io.cleave.registry.Watches;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** The external-etcd wiring: on only with endpoints, one client behind the three registry roles, closed with the context. */
class EtcdClientConfigurationTests {

	private final ApplicationContextRunner context = new ApplicationContextRunner()
			.withUserConfiguration(Properties.class, EtcdClientConfiguration.class);

	@Test
	void staysOffWithoutEndpoints() {
		context.run(started -> assertThat(started).doesNotHaveBean(KeyValueStore.class)
				.doesNotHaveBean(Leases.class)
				.doesNotHaveBean(Watches.class));
	}

	@Test
	void exposesOneClientAsStoreLeasesAndWatchesWithCommaSeparatedEndpoints() {
		context.withPropertyValues("cleave.registry.endpoints=http://127.0.0.1:2379,http://127.0.0.1:22379")
				.run(started -> {
					assertThat(started).hasSingleBean(EtcdGrpcClient.class);
					EtcdGrpcClient client = started.getBean(EtcdGrpcClient.class);
					assertThat(started.getBean(KeyValueStore.class)).isSameAs(client);
					assertThat(started.getBean(Leases.class)).isSameAs(client);
					assertThat(started.getBean(Watches.class)).isSameAs(client);
				});
	}

	@Test
	void switchesOnWithIndexedEndpointsAndClosesTheClientWithTheContext() {
		EtcdGrpcClient[] client = new EtcdGrpcClient[1];
		context.withPropertyValues("cleave.registry.endpoints[0]=http://127.0.0.1:2379")
				.run(started -> client[0] = started.getBean(EtcdGrpcClient.class));

		assertThatExceptionOfType(RegistryException.class)
				.isThrownBy(() -> client[0].range(RangeQuery.of(KeyRange.key("k"))))
				.satisfies(ex -> assertThat(ex.reason()).isEqualTo(RegistryException.Reason.UNAVAILABLE))
				.withMessageContaining("shutdown");
	}

	@Test
	void failsToStartWithATlsEndpoint() {
		context.withPropertyValues("cleave.registry.endpoints=https://127.0.0.1:2379")
				.run(started -> assertThat(started).hasFailed()
						.getFailure().rootCause().hasMessageContaining("TLS (https) is not supported yet"));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(RegistryProperties.class)
	static class Properties {
	}
}
