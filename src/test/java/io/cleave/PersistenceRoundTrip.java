package io.cleave;

import static io.cleave.registry.jooq.schema.Tables.REGISTRY_KEY;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.modulith.events.IncompleteEventPublications;
import org.springframework.transaction.annotation.Transactional;

/**
 * The persistence round trip every database Cleave supports must pass: migrations of every module applied,
 * generated jOOQ code reading back what it wrote, and event publications stored with the transaction that
 * published them. Subclasses choose the database.
 */
@Import(PersistenceRoundTrip.EventFixtures.class)
abstract class PersistenceRoundTrip {

	@Autowired DSLContext dsl;
	@Autowired JdbcTemplate jdbc;
	@Autowired EventFixtures.Publisher publisher;
	@Autowired EventFixtures.Listener listener;
	@Autowired IncompleteEventPublications incomplete;

	@Test
	void appliesTheRootAndEveryModulesMigrationsWithTheirOwnHistory() {
		assertThat(successfulMigrations("flyway_schema_history")).contains("event publication");
		assertThat(successfulMigrations("flyway_schema_history_registry")).contains("key value store");
	}

	@Test
	void readsBackWhatGeneratedJooqCodeWrote() {
		var key = ("/round-trip/" + UUID.randomUUID()).getBytes();
		var value = new byte[] { 0, (byte) 0xff, 42 };

		insertKey(key, value, 2L, 3L, 2L);

		var stored = dsl.selectFrom(REGISTRY_KEY)
				.where(REGISTRY_KEY.KEY_BYTES.eq(key))
				.fetchOne();

		assertThat(stored).isNotNull();
		assertThat(stored.getValueBytes()).containsExactly(value);
		assertThat(stored.getModRevision()).isEqualTo(3L);
		assertThat(stored.getLeaseId()).as("lease defaults to none").isZero();
	}

	@Test
	void comparesKeysBytewiseUnsignedLikeEtcd() {
		var prefix = "/order/" + UUID.randomUUID() + "/";
		var low = (prefix + "\u007f").getBytes(ISO_8859_1);
		var high = (prefix + "\u0080").getBytes(ISO_8859_1);
		for (var key : List.of(high, low)) {
			insertKey(key, new byte[0], 1L, 1L, 1L);
		}

		var ordered = dsl.select(REGISTRY_KEY.KEY_BYTES)
				.from(REGISTRY_KEY)
				.where(REGISTRY_KEY.KEY_BYTES.ge(prefix.getBytes()))
				.and(REGISTRY_KEY.KEY_BYTES.lt((prefix + "\u00ff").getBytes(ISO_8859_1)))
				.orderBy(REGISTRY_KEY.KEY_BYTES)
				.fetch(REGISTRY_KEY.KEY_BYTES);

		assertThat(ordered).containsExactly(low, high);
	}

	@Test
	void deliversAnEventAfterCommitAndForgetsTheCompletedPublication() {
		var id = UUID.randomUUID();

		publisher.publish(new Pinged(id));

		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			assertThat(listener.received()).contains(id);
			assertThat(storedPublicationsOf(id)).isZero();
		});
	}

	@Test
	void storesNothingWhenThePublishingTransactionRollsBack() {
		var rolledBack = UUID.randomUUID();
		var committed = UUID.randomUUID();

		assertThatThrownBy(() -> publisher.publishAndFail(new Pinged(rolledBack)))
				.isInstanceOf(IllegalStateException.class);
		assertThat(storedPublicationsOf(rolledBack)).isZero();

		publisher.publish(new Pinged(committed));
		await().atMost(Duration.ofSeconds(20)).until(() -> listener.received().contains(committed));

		assertThat(listener.received()).doesNotContain(rolledBack);
	}

	@Test
	void keepsTheFailedPublicationUntilItIsResubmittedSuccessfully() {
		var id = UUID.randomUUID();
		listener.failFor(id);

		publisher.publish(new Pinged(id));

		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			assertThat(listener.attemptsFor(id)).isPositive();
			assertThat(failedPublicationsOf(id)).isOne();
		});
		assertThat(listener.received()).doesNotContain(id);

		listener.recover(id);
		incomplete.resubmitIncompletePublications(publication -> publication.getEvent() instanceof Pinged pinged
				&& pinged.id().equals(id));

		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			assertThat(listener.received()).contains(id);
			assertThat(storedPublicationsOf(id)).isZero();
		});
	}

	private void insertKey(byte[] key, byte[] value, long createRevision, long modRevision, long version) {
		dsl.insertInto(REGISTRY_KEY)
				.set(REGISTRY_KEY.KEY_BYTES, key)
				.set(REGISTRY_KEY.VALUE_BYTES, value)
				.set(REGISTRY_KEY.CREATE_REVISION, createRevision)
				.set(REGISTRY_KEY.MOD_REVISION, modRevision)
				.set(REGISTRY_KEY.MOD_SUB_REVISION, 0)
				.set(REGISTRY_KEY.VERSION, version)
				.execute();
	}

	private List<String> successfulMigrations(String historyTable) {
		return jdbc.queryForList("select description from " + historyTable + " where success = true", String.class);
	}

	private int storedPublicationsOf(UUID id) {
		return count("select count(*) from event_publication where serialized_event like ?", id);
	}

	private int failedPublicationsOf(UUID id) {
		return count("select count(*) from event_publication where serialized_event like ? and status = 'FAILED'", id);
	}

	private int count(String sql, UUID id) {
		var count = jdbc.queryForObject(sql, Integer.class, "%" + id + "%");
		return count == null ? 0 : count;
	}

	/** A test-only domain event. */
	record Pinged(UUID id) {
	}

	@TestConfiguration(proxyBeanMethods = false)
	@Import({ EventFixtures.Publisher.class, EventFixtures.Listener.class })
	static class EventFixtures {

		static class Publisher {

			private final ApplicationEventPublisher events;

			Publisher(ApplicationEventPublisher events) {
				this.events = events;
			}

			@Transactional
			public void publish(Pinged event) {
				events.publishEvent(event);
			}

			@Transactional
			public void publishAndFail(Pinged event) {
				events.publishEvent(event);
				throw new IllegalStateException("the business change failed after publishing");
			}
		}

		static class Listener {

			private final Set<UUID> received = ConcurrentHashMap.newKeySet();
			private final Set<UUID> failing = ConcurrentHashMap.newKeySet();
			private final ConcurrentHashMap<UUID, Integer> attempts = new ConcurrentHashMap<>();

			@ApplicationModuleListener
			public void on(Pinged event) {
				attempts.merge(event.id(), 1, Integer::sum);
				if (failing.contains(event.id())) {
					throw new IllegalStateException("listener told to fail for " + event.id());
				}
				received.add(event.id());
			}

			public Set<UUID> received() {
				return Set.copyOf(received);
			}

			public int attemptsFor(UUID id) {
				return attempts.getOrDefault(id, 0);
			}

			public void failFor(UUID id) {
				failing.add(id);
			}

			public void recover(UUID id) {
				failing.remove(id);
			}
		}
	}
}
