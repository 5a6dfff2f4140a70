package io.cleave.messaging;

import io.cleave.testing.EmbeddedPostgresServer;

import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Every bus scenario again, its outbox, dedup, dead-letter and queue tables on a real PostgreSQL 17 server. */
@ActiveProfiles("postgres")
@DirtiesContext // close the pool while the server, stopped at JVM exit, is still up
class MessageBusOnPostgresTests extends MessageBusTests {

	@DynamicPropertySource
	static void postgres(DynamicPropertyRegistry registry) {
		EmbeddedPostgresServer.register(registry, EmbeddedPostgresServer.createDatabase("messaging_bus"));
	}
}
