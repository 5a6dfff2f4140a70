package io.cleave.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.registry.internal.WatchHub;
import io.cleave.testing.EtcdProcess;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Service discovery on a real etcd 3.4 (Debian's {@code etcd-server}): the node is configured with
 * {@code cleave.registry.endpoints} and has no embedded store.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext // stop the node while etcd still runs
class DiscoveryOnEtcdTests extends ServiceDiscoveryContract {

	@DynamicPropertySource
	static void realEtcd(DynamicPropertyRegistry registry) {
		registry.add("cleave.registry.endpoints", () -> EtcdProcess.shared().endpoint());
	}

	@Test
	void theNodeUsesEtcdAndHasNoEmbeddedStore(@Autowired ApplicationContext context) {
		assertThat(context.getBeanNamesForType(WatchHub.class)).isEmpty();
		assertThat(kv.getClass().getSimpleName()).isEqualTo("EtcdGrpcClient");
	}
}
