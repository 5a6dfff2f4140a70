package io.cleave.registry;

import io.cleave.testing.FreshDataDirectory;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** etcd's semantics on the embedded store, on the default database: an H2 file. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = "cleave.registry.etcd-api.port=0")
class EmbeddedStoreOnH2Tests extends KeyValueStoreContract {

	@DynamicPropertySource
	static void freshDataDirectory(DynamicPropertyRegistry registry) {
		FreshDataDirectory.register(registry, "cleave-registry-h2-");
	}
}
