package io.cleave;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.testing.EmbeddedPostgresServer;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The persistence round trip on a real PostgreSQL 17 server (embedded binaries), reached through the
 * {@code postgres} profile exactly as a deployment would: URL and credentials from the environment.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = "cleave.registry.etcd-api.port=0")
@ActiveProfiles("postgres")
@DirtiesContext // close the pool while the server, stopped at JVM exit, is still up
class PostgresPersistenceTests extends PersistenceRoundTrip {

	@Test
	void runsOnARealPostgresql17Server() {
		assertThat(jdbc.queryForObject("select version()", String.class)).startsWith("PostgreSQL 17.");
	}

	@DynamicPropertySource
	static void postgres(DynamicPropertyRegistry registry) {
		EmbeddedPostgresServer.register(registry, EmbeddedPostgresServer.get().getJdbcUrl("postgres", "postgres"));
	}
}
