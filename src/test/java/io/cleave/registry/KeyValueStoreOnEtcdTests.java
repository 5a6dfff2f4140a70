package io.cleave.registry;

import io.cleave.testing.EtcdProcess;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The key-value contract against a real etcd 3.4, through the client a node uses with
 * {@code cleave.registry.endpoints}: the same assertions the embedded store passes, so the two cannot drift apart.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@DirtiesContext // stop the node while etcd still runs
class KeyValueStoreOnEtcdTests extends KeyValueStoreContract {

	@DynamicPropertySource
	static void realEtcd(DynamicPropertyRegistry registry) {
		registry.add("cleave.registry.endpoints", () -> EtcdProcess.shared().endpoint());
	}
}
