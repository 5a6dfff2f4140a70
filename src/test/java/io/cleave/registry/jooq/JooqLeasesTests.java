package io.cleave.registry.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import io.cleave.registry.KeyRange;
import io.cleave.registry.Lease;
import io.cleave.registry.Put;
import io.cleave.registry.RangeQuery;
import io.cleave.registry.RegistryException;
import io.cleave.registry.jooq.StoreOnDatabase.Database;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Leases have one truth: a lease past its deadline is gone for every operation, swept or not. */
class JooqLeasesTests {

	private StoreOnDatabase db;

	private final ExecutorService renewals = Executors.newCachedThreadPool();

	@AfterEach
	void close() {
		renewals.shutdownNow();
		if (db != null) {
			db.close();
		}
	}

	@ParameterizedTest
	@EnumSource(Database.class)
	void attachingAKeyToALeasePastItsDeadlineIsRefusedBeforeTheSweepRuns(Database database) {
		db = new StoreOnDatabase(database);
		Lease lease = db.leases.grant(10);
		db.clock.advance(Duration.ofSeconds(10));

		assertThatThrownBy(() -> db.store.put(Put.of("/leased/a", "1").withLease(lease.id())))
				.isInstanceOfSatisfying(RegistryException.class, ex -> {
					assertThat(ex.reason()).isEqualTo(RegistryException.Reason.NOT_FOUND);
					assertThat(ex.getMessage()).isEqualTo("etcdserver: requested lease not found");
				});
		assertThat(db.store.range(RangeQuery.of(KeyRange.prefix("/leased/"))).kvs()).isEmpty();
	}

	/**
	 * Stages a keep-alive at a chosen point of the sweep: when the sweep reads the clock for the n-th time, a
	 * keep-alive sent one second before the lease's deadline runs on another thread, and the sweep goes on once that
	 * answered or half a second passed. Whatever the interleaving, an acknowledged renewal means the lease and its key
	 * live on, and a deleted lease means no renewal was acknowledged.
	 */
	@ParameterizedTest(name = "{0}, keep-alive at the sweep''s clock read #{1}")
	@MethodSource("racePoints")
	void aKeepAliveRacingExpiryIsNeverAcknowledgedForALeaseThatIsThenDeleted(Database database, int raceAt)
			throws Exception {
		db = new StoreOnDatabase(database);
		Instant granted = db.clock.now();
		Lease lease = db.leases.grant(10);
		db.store.put(Put.of("/leased/a", "1").withLease(lease.id()));
		db.clock.set(granted.plusSeconds(11));
		Thread sweeper = Thread.currentThread();
		AtomicInteger reads = new AtomicInteger();
		List<Future<Optional<Lease>>> keepAlives = new CopyOnWriteArrayList<>();
		db.clock.onRead(thread -> {
			if (thread == sweeper && reads.incrementAndGet() == raceAt) {
				Future<Optional<Lease>> keepAlive = renewals.submit(
						() -> db.clock.at(granted.plusSeconds(9), () -> db.leases.keepAlive(lease.id())));
				keepAlives.add(keepAlive);
				try {
					keepAlive.get(500, TimeUnit.MILLISECONDS);
				}
				catch (TimeoutException ex) {
					// blocked behind the sweep: it is answered once the sweep commits
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			}
		});

		int expired = db.leases.expireDue();
		db.clock.onRead(null);

		assertThat(keepAlives).as("the race was staged").hasSize(1);
		Optional<Lease> answer = keepAlives.getFirst().get(10, TimeUnit.SECONDS);
		boolean keyLives = !db.store.range(RangeQuery.of(KeyRange.key("/leased/a"))).kvs().isEmpty();
		boolean leaseLives = db.leases.timeToLive(lease.id(), false).isPresent();
		if (answer.isPresent()) {
			assertThat(expired).as("leases expired after the renewal was acknowledged").isZero();
			assertThat(leaseLives).as("the renewed lease lives").isTrue();
			assertThat(keyLives).as("the renewed lease's key lives").isTrue();
		}
		else {
			assertThat(expired).isEqualTo(1);
			assertThat(leaseLives).isFalse();
			assertThat(keyLives).isFalse();
		}
	}

	static Stream<Arguments> racePoints() {
		return Stream.of(Database.values()).flatMap(d -> Stream.of(Arguments.of(d, 1), Arguments.of(d, 2)));
	}

	@ParameterizedTest
	@EnumSource(Database.class)
	void expiryDeletesTheKeysOfLeasesPastTheirDeadlineAndNothingElse(Database database) {
		db = new StoreOnDatabase(database);
		Lease shortLease = db.leases.grant(5);
		Lease longLease = db.leases.grant(60);
		db.store.put(Put.of("/leased/short", "1").withLease(shortLease.id()));
		db.store.put(Put.of("/leased/long", "1").withLease(longLease.id()));
		db.store.put(Put.of("/leased/none", "1"));
		db.clock.advance(Duration.ofSeconds(5));

		assertThat(db.leases.expireDue()).isEqualTo(1);

		assertThat(db.store.range(RangeQuery.of(KeyRange.prefix("/leased/"))).kvs())
				.extracting(kv -> kv.key().toStringUtf8()).containsExactly("/leased/long", "/leased/none");
		assertThat(db.leases.list()).containsExactly(longLease.id());
		assertThat(db.leases.keepAlive(shortLease.id())).isEmpty();
	}

	/**
	 * Keep-alives that arrive while a renewal commits are renewed together: a batch costs two statements (lock the
	 * leases, move their deadlines) however many it holds, not a query per keep-alive.
	 */
	@ParameterizedTest
	@EnumSource(Database.class)
	void keepAlivesArrivingTogetherShareTwoStatementsInsteadOfAQueryEach(Database database) throws Exception {
		db = new StoreOnDatabase(database);
		List<Lease> leases = Stream.generate(() -> db.leases.grant(60)).limit(50).toList();
		Thread first = Thread.currentThread();
		CountDownLatch queued = new CountDownLatch(1);
		AtomicInteger held = new AtomicInteger();
		// The first renewal's commit reads the clock once it holds its leases: hold it there until the others queue.
		db.clock.onRead(thread -> {
			if (thread != first && held.incrementAndGet() == 1) {
				try {
					queued.await(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		});
		Future<Optional<Lease>> firstRenewal = renewals.submit(() -> db.leases.keepAlive(leases.getFirst().id()));
		await().atMost(Duration.ofSeconds(10)).until(() -> held.get() == 1);
		List<Future<Optional<Lease>>> others = leases.subList(1, 50).stream()
				.map(lease -> renewals.submit(() -> db.leases.keepAlive(lease.id()))).toList();
		await().atMost(Duration.ofSeconds(10)).until(() -> db.leases.renewalQueueLength() == 49);
		db.statements.set(0);

		queued.countDown();

		assertThat(firstRenewal.get(10, TimeUnit.SECONDS)).isPresent();
		for (Future<Optional<Lease>> renewal : others) {
			assertThat(renewal.get(10, TimeUnit.SECONDS)).isPresent();
		}
		// The first batch's update, then the 49 others' lock and update.
		assertThat(db.statements).as("statements for 50 keep-alives").hasValueLessThanOrEqualTo(3);
	}
}
