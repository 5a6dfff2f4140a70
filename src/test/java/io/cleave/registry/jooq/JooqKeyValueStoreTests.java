package io.cleave.registry.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.cleave.registry.Bytes;
import io.cleave.registry.Delete;
import io.cleave.registry.KeyRange;
import io.cleave.registry.KeyValue;
import io.cleave.registry.Lease;
import io.cleave.registry.Put;
import io.cleave.registry.PutResult;
import io.cleave.registry.RangeQuery;
import io.cleave.registry.RangeResult;
import io.cleave.registry.RegistryException;
import io.cleave.registry.Txn;
import io.cleave.registry.WatchEvent;
import io.cleave.registry.internal.EventLog;
import io.cleave.registry.jooq.StoreOnDatabase.Database;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.transaction.support.TransactionTemplate;

/** The embedded store's write path and read snapshots, on H2 and PostgreSQL. */
class JooqKeyValueStoreTests {

	private StoreOnDatabase db;

	private final ExecutorService threads = Executors.newCachedThreadPool();

	@AfterEach
	void close() {
		threads.shutdownNow();
		if (db != null) {
			db.close();
		}
	}

	@ParameterizedTest
	@EnumSource(Database.class)
	void aWriteInsideACallersTransactionCommitsOnItsOwnAndHoldsUpNoOtherWriter(Database database) throws Exception {
		db = new StoreOnDatabase(database);
		TransactionTemplate business = new TransactionTemplate(db.transactions);

		business.executeWithoutResult(status -> {
			db.store.put(Put.of("/business/a", "1"));
			// The business transaction is still open: another writer must not wait for it.
			Future<PutResult> other = threads.submit(() -> db.store.put(Put.of("/business/b", "1")));
			try {
				assertThat(other.get(5, TimeUnit.SECONDS).revision()).isGreaterThan(1);
			}
			catch (Exception ex) {
				throw new AssertionError("a second writer waited for the business transaction", ex);
			}
			status.setRollbackOnly(); // the business transaction fails; the registry's acknowledged write stays
		});

		assertThat(db.store.range(RangeQuery.of(KeyRange.prefix("/business/"))).kvs())
				.extracting(kv -> kv.key().toStringUtf8()).containsExactly("/business/a", "/business/b");
	}

	@ParameterizedTest
	@EnumSource(Database.class)
	void aRangeHeaderRevisionMatchesItsKeysAndCountWhileWritersCommit(Database database) throws Exception {
		db = new StoreOnDatabase(database);
		// Each put creates a new key, so the keys at revision R are exactly those put at R or before.
		Map<String, Long> putAt = new java.util.concurrent.ConcurrentHashMap<>();
		AtomicBoolean writing = new AtomicBoolean(true);
		Future<?> writer = threads.submit(() -> {
			for (int i = 0; i < 300; i++) {
				String key = "/snapshot/%05d".formatted(i);
				putAt.put(key, db.store.put(Put.of(key, "v")).revision());
			}
			writing.set(false);
		});
		List<RangeResult> seen = new ArrayList<>();
		while (writing.get()) {
			seen.add(db.store.range(RangeQuery.of(KeyRange.prefix("/snapshot/"))));
		}
		writer.get(30, TimeUnit.SECONDS);

		assertThat(seen).isNotEmpty();
		for (RangeResult result : seen) {
			List<String> expected = putAt.entrySet().stream()
					.filter(e -> e.getValue() <= result.revision())
					.map(Map.Entry::getKey)
					.sorted()
					.toList();
			assertThat(result.kvs()).as("keys at revision %d", result.revision())
					.extracting(kv -> kv.key().toStringUtf8()).containsExactlyElementsOf(expected);
			assertThat(result.count()).as("count at revision %d", result.revision()).isEqualTo(expected.size());
		}
	}

	@ParameterizedTest
	@EnumSource(Database.class)
	void writersWaitingTogetherShareOneCommitAndEachGetsItsOwnRevision(Database database) throws Exception {
		db = new StoreOnDatabase(database);
		AtomicInteger commits = new AtomicInteger();
		db.store.onCommit(commit -> commits.incrementAndGet());
		CountDownLatch release = new CountDownLatch(1);
		// The first write holds the write path until seven others queue up behind it.
		Future<Long> first = holdTheWritePath(release);
		List<Future<PutResult>> queued = new ArrayList<>();
		for (int i = 0; i < 7; i++) {
			String key = "/group/" + i;
			queued.add(threads.submit(() -> db.store.put(Put.of(key, key))));
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> db.store.writeQueueLength() == 7);

		release.countDown();

		first.get(10, TimeUnit.SECONDS);
		Map<Long, String> byRevision = new HashMap<>();
		for (int i = 0; i < 7; i++) {
			byRevision.put(queued.get(i).get(10, TimeUnit.SECONDS).revision(), "/group/" + i);
		}
		assertThat(commits).as("commits that changed the store").hasValue(1);
		assertThat(byRevision.keySet()).as("one revision each, in a row").containsExactlyInAnyOrder(2L, 3L, 4L, 5L,
				6L, 7L, 8L);
		byRevision.forEach((revision, key) -> {
			KeyValue kv = db.store.range(RangeQuery.of(KeyRange.key(key))).kvs().getFirst();
			assertThat(kv.modRevision()).isEqualTo(revision);
			assertThat(kv.value().toStringUtf8()).isEqualTo(key);
		});
		assertThat(db.store.revision()).isEqualTo(8);
	}

	@ParameterizedTest
	@EnumSource(Database.class)
	void aWriteThatFailsInASharedCommitLeavesNoTraceAndTheOthersCommit(Database database) throws Exception {
		db = new StoreOnDatabase(database);
		CountDownLatch release = new CountDownLatch(1);
		holdTheWritePath(release);
		Future<PutResult> before = threads.submit(() -> db.store.put(Put.of("/group/before", "1")));
		await().atMost(Duration.ofSeconds(10)).until(() -> db.store.writeQueueLength() == 1);
		// A transaction whose first put is applied before its second fails on a lease that does not exist.
		CompletableFuture<Object> failing = CompletableFuture.supplyAsync(() -> db.store.txn(new Txn(List.of(),
				List.of(Put.of("/group/partial", "1"), Put.of("/group/leased", "1").withLease(0x7fff_0000_0000_0001L)),
				List.of())), threads);
		await().atMost(Duration.ofSeconds(10)).until(() -> db.store.writeQueueLength() == 2);
		Future<PutResult> after = threads.submit(() -> db.store.put(Put.of("/group/after", "1")));
		await().atMost(Duration.ofSeconds(10)).until(() -> db.store.writeQueueLength() == 3);

		release.countDown();

		assertThat(before.get(10, TimeUnit.SECONDS).revision()).isEqualTo(2);
		assertThat(after.get(10, TimeUnit.SECONDS).revision()).isEqualTo(3);
		assertThatThrownBy(() -> failing.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(RegistryException.class)
				.hasMessageContaining("requested lease not found");
		assertThat(db.store.range(RangeQuery.of(KeyRange.prefix("/group/"))).kvs())
				.extracting(kv -> kv.key().toStringUtf8()).containsExactly("/group/after", "/group/before");
		assertThat(db.store.revision()).isEqualTo(3);
		assertThat(db.store.events(1, 3)).extracting(e -> e.kv().key()).containsExactly(Bytes.utf8("/group/before"),
				Bytes.utf8("/group/after"));
	}

	@ParameterizedTest
	@EnumSource(Database.class)
	void putsOfOneKeySharingACommitChainTheirVersionsAndHistoryAsIfAppliedOneByOne(Database database)
			throws Exception {
		db = new StoreOnDatabase(database);
		CountDownLatch release = new CountDownLatch(1);
		holdTheWritePath(release);
		List<Future<PutResult>> puts = new ArrayList<>();
		List<Put> queued = List.of(Put.of("/chain/k", "1"), Put.of("/chain/k", "2"),
				Put.of("/chain/leased", "1").withLease(0x7fff_0000_0000_0002L), Put.of("/chain/k", "3").withPrevKv());
		for (Put put : queued) {
			puts.add(threads.submit(() -> db.store.put(put)));
			int expected = puts.size();
			await().atMost(Duration.ofSeconds(10)).until(() -> db.store.writeQueueLength() == expected);
		}

		release.countDown();

		assertThat(puts.get(0).get(10, TimeUnit.SECONDS).revision()).isEqualTo(2);
		assertThat(puts.get(1).get(10, TimeUnit.SECONDS).revision()).isEqualTo(3);
		assertThatThrownBy(() -> puts.get(2).get(10, TimeUnit.SECONDS)).hasMessageContaining("requested lease not found");
		PutResult last = puts.get(3).get(10, TimeUnit.SECONDS);
		assertThat(last.revision()).isEqualTo(4);
		assertThat(last.prevKv()).isNotNull();
		assertThat(last.prevKv().value().toStringUtf8()).isEqualTo("2");
		assertThat(last.prevKv().version()).isEqualTo(2);
		KeyValue now = db.store.range(RangeQuery.of(KeyRange.prefix("/chain/"))).kvs().getFirst();
		assertThat(db.store.range(RangeQuery.of(KeyRange.prefix("/chain/"))).kvs()).hasSize(1);
		assertThat(now.value().toStringUtf8()).isEqualTo("3");
		assertThat(now.version()).isEqualTo(3);
		assertThat(now.createRevision()).isEqualTo(2);
		assertThat(now.modRevision()).isEqualTo(4);
		assertThat(db.store.range(RangeQuery.of(KeyRange.key("/chain/k")).atRevision(2)).kvs().getFirst().value()
				.toStringUtf8()).isEqualTo("1");
		assertThat(db.store.events(2, 4)).extracting(e -> e.kv().value().toStringUtf8() + " after "
				+ (e.prevKv() == null ? "nothing" : e.prevKv().value().toStringUtf8()))
				.containsExactly("1 after nothing", "2 after 1", "3 after 2");
	}

	@ParameterizedTest
	@EnumSource(Database.class)
	void asynchronousAndWaitingWritesQueuedTogetherShareOneCommitInTheOrderTheyQueued(Database database)
			throws Exception {
		db = new StoreOnDatabase(database);
		List<EventLog.Commit> commits = new CopyOnWriteArrayList<>();
		db.store.onCommit(commits::add);
		CountDownLatch release = new CountDownLatch(1);
		holdTheWritePath(release);
		List<CompletableFuture<PutResult>> queued = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			Put put = Put.of("/mixed/" + i, "v" + i);
			// Every other one is a waiting caller (the Java API); the others are queued without a thread (the etcd API).
			queued.add(i % 2 == 0 ? db.store.putAsync(put) : CompletableFuture.supplyAsync(() -> db.store.put(put), threads));
			int expected = queued.size();
			await().atMost(Duration.ofSeconds(10)).until(() -> db.store.writeQueueLength() == expected);
		}
		assertThat(queued).as("nothing acknowledged before its commit").noneMatch(CompletableFuture::isDone);

		release.countDown();

		for (int i = 0; i < 6; i++) {
			assertThat(queued.get(i).get(10, TimeUnit.SECONDS).revision()).as("write %d", i).isEqualTo(2 + i);
		}
		assertThat(commits).hasSize(1);
		assertThat(commits.getFirst().events()).extracting(e -> e.kv().key().toStringUtf8())
				.containsExactly("/mixed/0", "/mixed/1", "/mixed/2", "/mixed/3", "/mixed/4", "/mixed/5");
		assertThat(db.store.range(RangeQuery.of(KeyRange.prefix("/mixed/"))).kvs()).extracting(KeyValue::modRevision)
				.containsExactly(2L, 3L, 4L, 5L, 6L, 7L);
	}

	/**
	 * A commit the database refuses (here a constraint rejecting one value) fails every write of its batch, queued
	 * asynchronously or by a waiting caller, and leaves none of them stored; the next write commits as usual.
	 */
	@ParameterizedTest
	@EnumSource(Database.class)
	void aCommitTheDatabaseRefusesFailsEveryWriteOfItsBatchAndStoresNothing(Database database) throws Exception {
		db = new StoreOnDatabase(database);
		db.dsl.execute("alter table registry_key add constraint no_poison check (octet_length(value_bytes) <> 13)");
		CountDownLatch release = new CountDownLatch(1);
		holdTheWritePath(release);
		List<CompletableFuture<?>> queued = new ArrayList<>();
		queued.add(db.store.putAsync(Put.of("/refused/a", "1")));
		queued.add(db.store.putAsync(Put.of("/refused/poison", "13 bytes long")));
		queued.add(CompletableFuture.supplyAsync(() -> db.store.put(Put.of("/refused/b", "1")), threads));
		await().atMost(Duration.ofSeconds(10)).until(() -> db.store.writeQueueLength() == 3);
		queued.add(db.store.deleteAsync(new Delete(KeyRange.prefix("/refused/"), false)));
		await().atMost(Duration.ofSeconds(10)).until(() -> db.store.writeQueueLength() == 4);

		release.countDown();

		for (CompletableFuture<?> write : queued) {
			assertThatThrownBy(() -> write.get(10, TimeUnit.SECONDS)).hasRootCauseInstanceOf(java.sql.SQLException.class);
		}
		assertThat(db.store.range(RangeQuery.of(KeyRange.prefix("/refused/"))).kvs()).isEmpty();
		assertThat(db.store.revision()).isEqualTo(1);
		assertThat(db.store.putAsync(Put.of("/refused/after", "1")).get(10, TimeUnit.SECONDS).revision()).isEqualTo(2);
	}

	/**
	 * What each commit hands the watch hub is what a read of the stored history returns for its revisions — puts
	 * sharing a commit, a transaction, a range delete, a lease revoke, a write failing in a shared commit — and the
	 * commits are told in revision order, one after the other, with no revision left out.
	 */
	@ParameterizedTest
	@EnumSource(Database.class)
	void eachCommitHandsOverExactlyTheEventsTheHistoryHoldsForItsRevisions(Database database) throws Exception {
		db = new StoreOnDatabase(database);
		List<EventLog.Commit> commits = new CopyOnWriteArrayList<>();
		db.store.onCommit(commits::add);
		db.store.put(Put.of("/h/a", "1"));
		CountDownLatch release = new CountDownLatch(1);
		holdTheWritePath(release);
		List<Future<?>> queued = new ArrayList<>();
		queued.add(threads.submit(() -> db.store.put(Put.of("/h/a", "2"))));
		queued.add(threads.submit(() -> db.store.put(Put.of("/h/b", "1").withLease(0x7fff_0000_0000_0003L))));
		queued.add(threads.submit(() -> db.store.txn(new Txn(List.of(),
				List.of(Put.of("/h/c", "1"), Put.of("/h/a", "3"), new Delete(KeyRange.key("/h/b"), false)),
				List.of()))));
		queued.add(threads.submit(() -> db.store.put(Put.of("/h/b", "2"))));
		await().atMost(Duration.ofSeconds(10)).until(() -> db.store.writeQueueLength() == 4);
		release.countDown();
		for (Future<?> write : queued) {
			try {
				write.get(10, TimeUnit.SECONDS);
			}
			catch (java.util.concurrent.ExecutionException expected) {
				// the put naming a lease that does not exist
			}
		}
		Lease lease = db.leases.grant(60);
		db.store.put(Put.of("/h/leased/1", "x").withLease(lease.id()));
		db.store.put(Put.of("/h/leased/2", "y").withLease(lease.id()));
		db.leases.revoke(lease.id());
		db.store.delete(new Delete(KeyRange.prefix("/h/"), true));

		long revision = db.store.revision();
		await().atMost(Duration.ofSeconds(10)).until(() -> !commits.isEmpty()
				&& commits.getLast().lastRevision() == revision);
		long expectedFirst = commits.getFirst().firstRevision();
		assertThat(expectedFirst).isEqualTo(2);
		for (EventLog.Commit commit : commits) {
			assertThat(commit.firstRevision()).as("commits told in order, none left out").isEqualTo(expectedFirst);
			assertThat(commit.events()).as("revisions %d to %d", commit.firstRevision(), commit.lastRevision())
					.usingRecursiveFieldByFieldElementComparator()
					.containsExactlyElementsOf(db.store.events(commit.firstRevision(), commit.lastRevision()));
			expectedFirst = commit.lastRevision() + 1;
		}
		assertThat(expectedFirst).isEqualTo(revision + 1);
		assertThat(commits).flatExtracting(EventLog.Commit::events).extracting(WatchEvent::type)
				.contains(WatchEvent.Type.PUT, WatchEvent.Type.DELETE);
	}

	/** Starts a write that commits nothing and holds the write path until released, so others queue behind it. */
	private Future<Long> holdTheWritePath(CountDownLatch release) {
		Future<Long> holder = threads.submit(() -> db.store.write(w -> {
			awaitRelease(release);
			return w.revisionSoFar();
		}));
		await().atMost(Duration.ofSeconds(10)).until(() -> db.store.writeLockHeld() && db.store.writeQueueLength() == 0
				&& !holder.isDone());
		return holder;
	}

	private static void awaitRelease(CountDownLatch latch) {
		try {
			if (!latch.await(10, TimeUnit.SECONDS)) {
				throw new IllegalStateException("never released");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}
}
