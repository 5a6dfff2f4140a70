package io.cleave.messaging.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import io.cleave.messaging.DeadLetters.DeadLetter;
import io.cleave.messaging.MessageId;
import io.cleave.messaging.bus.Messages;
import io.cleave.messaging.transport.Envelope;
import io.cleave.testing.EmbeddedPostgresServer;

import org.flywaydb.core.Flyway;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import tools.jackson.databind.json.JsonMapper;

/**
 * Processed message ids are recorded once and forgotten by age in bounded batches; a message is a dead letter of its
 * queue once: on H2 and on PostgreSQL.
 */
class MessagingStoresTests {

	enum Database {
		H2, POSTGRESQL
	}

	@ParameterizedTest
	@EnumSource(Database.class)
	void idsOlderThanTheCutoffAreForgottenInBatchesAndAForgottenIdCountsAsNewAgain(Database database) {
		try (HikariDataSource pool = pool(database)) {
			var processed = new JooqProcessedMessages(
					DSL.using(pool, database == Database.H2 ? SQLDialect.H2 : SQLDialect.POSTGRES));
			MessageId first = new MessageId(UUID.randomUUID());
			assertThat(processed.markProcessed("orders", first)).isTrue();
			assertThat(processed.markProcessed("orders", first)).as("a duplicate").isFalse();
			assertThat(processed.markProcessed("billing", first)).as("the same id on another queue").isTrue();
			assertThat(processed.markProcessed("orders", new MessageId(UUID.randomUUID()))).isTrue();

			assertThat(processed.forgetProcessedBefore(Instant.now().minus(Duration.ofHours(1)), 10))
					.as("nothing is that old").isZero();
			Instant later = Instant.now().plusSeconds(1);
			assertThat(processed.forgetProcessedBefore(later, 2)).isEqualTo(2);
			assertThat(processed.forgetProcessedBefore(later, 2)).isEqualTo(1);
			assertThat(processed.forgetProcessedBefore(later, 2)).isZero();

			assertThat(processed.markProcessed("orders", first)).as("forgotten, so new again").isTrue();
		}
	}

	@ParameterizedTest
	@EnumSource(Database.class)
	void aMessageIsADeadLetterOfItsQueueOnceHoweverOftenItIsGivenUpOn(Database database) {
		try (HikariDataSource pool = pool(database)) {
			var deadLetters = new JooqDeadLetterStore(
					DSL.using(pool, database == Database.H2 ? SQLDialect.H2 : SQLDialect.POSTGRES),
					new Messages(JsonMapper.builder().build()));
			var message = JsonMapper.builder().build().createObjectNode().put("n", 1);
			var id = new MessageId(UUID.randomUUID());
			deadLetters.add(new Envelope(id, "orders", null, message), 5, "boom");
			deadLetters.add(new Envelope(id, "orders", null, message), 5, "boom again, after a crash");
			deadLetters.add(new Envelope(id, "billing", "orders", message), 5, "another queue's copy");

			assertThat(deadLetters.list(null, 10)).extracting(DeadLetter::queue, DeadLetter::error)
					.containsExactlyInAnyOrder(tuple("orders", "boom"), tuple("billing", "another queue's copy"));
		}
	}

	private static HikariDataSource pool(Database database) {
		String name = "processed_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		HikariDataSource pool = new HikariDataSource();
		pool.setMaximumPoolSize(2);
		if (database == Database.H2) {
			pool.setJdbcUrl("jdbc:h2:mem:" + name + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
		}
		else {
			pool.setJdbcUrl(EmbeddedPostgresServer.createDatabase(name));
			pool.setUsername("postgres");
		}
		Flyway.configure().dataSource(pool).locations("classpath:db/migration/messaging").load().migrate();
		return pool;
	}
}
