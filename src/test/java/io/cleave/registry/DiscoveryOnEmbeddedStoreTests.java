package io.cleave.registry;

import io.cleave.testing.FreshDataDirectory;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Service discovery on the embedded store (H2). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "cleave.registry.etcd-api.port=0")
class DiscoveryOnEmbeddedStoreTests extends ServiceDiscoveryContract {

	@DynamicPropertySource
	static void freshDataDirectory(DynamicPropertyRegistry registry) {
		FreshDataDirectory.register(registry, "cleave-discovery-");
	}
}
