package io.cleave.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.util.UUID;

import io.cleave.kv.DB.QueryRequest;
import io.cleave.kv.DB.UpdateRequest;
import io.cleave.testing.EmbeddedPostgresServer;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The {@link DB} service on a real PostgreSQL 17 server: the module's migration and its upsert run there too. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = "cleave.registry.etcd-api.port=0")
@ActiveProfiles("postgres")
@DirtiesContext // close the pool while the server, stopped at JVM exit, is still up
class KvOnPostgresTests {

	@Autowired
	DB db;

	@Autowired
	JdbcTemplate jdbc;

	@DynamicPropertySource
	static void postgres(DynamicPropertyRegistry registry) {
		EmbeddedPostgresServer.register(registry, EmbeddedPostgresServer.get().getJdbcUrl("postgres", "postgres"));
	}

	@Test
	void storesReplacesAndReadsValuesInTheModulesOwnTable() {
		String key = "key-" + UUID.randomUUID();

		db.update(new UpdateRequest(key, "first"));
		db.update(new UpdateRequest(key, "second"));

		assertThat(db.query(new QueryRequest(key)).value()).isEqualTo("second");
		assertThat(jdbc.queryForObject("select count(*) from kv_entry where entry_key = ?", Integer.class, key))
				.isEqualTo(1);
		assertThat(jdbc.queryForObject("select version()", String.class)).startsWith("PostgreSQL 17.");
	}

	@Test
	void aMissingKeyIsATypedNotFound() {
		assertThatExceptionOfType(KeyNotFoundException.class)
				.isThrownBy(() -> db.query(new QueryRequest("key-" + UUID.randomUUID())));
	}
}
