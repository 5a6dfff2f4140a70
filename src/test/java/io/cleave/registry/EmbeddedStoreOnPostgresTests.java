package io.cleave.registry;

import io.cleave.testing.EmbeddedPostgresServer;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** etcd's semantics on the embedded store, on a real PostgreSQL 17 server. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = "cleave.registry.etcd-api.port=0")
@ActiveProfiles("postgres")
@DirtiesContext // close the pool while the server, stopped at JVM exit, is still up
class EmbeddedStoreOnPostgresTests extends KeyValueStoreContract {

	@DynamicPropertySource
	static void postgres(DynamicPropertyRegistry registry) {
		EmbeddedPostgresServer.register(registry, EmbeddedPostgresServer.createDatabase("registry_contract"));
	}
}
