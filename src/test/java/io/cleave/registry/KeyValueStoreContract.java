package io.cleave.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import io.cleave.registry.Compare.Result;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * etcd's semantics, as every registry backend must implement them: the embedded store on H2 and PostgreSQL, and the
 * client of a real etcd. A subclass boots a node on its backend; each test works under its own key prefix, so
 * backends can share one store across tests.
 */
public abstract class KeyValueStoreContract {

	private static final Duration EVENTUALLY = Duration.ofSeconds(10);

	protected String prefix;

	@Autowired
	private KeyValueStore kv;

	@Autowired
	private Leases leases;

	@Autowired
	private Watches watches;

	protected KeyValueStore kv() {
		return kv;
	}

	protected Leases leases() {
		return leases;
	}

	protected Watches watches() {
		return watches;
	}

	@BeforeEach
	void isolate() {
		prefix = "/test/" + UUID.randomUUID() + "/";
	}

	// Keys and revisions

	@Test
	void everyWriteIncrementsTheRevisionAndTracksVersions() {
		long first = kv().put(put("a", "1")).revision();
		long second = kv().put(put("a", "2")).revision();

		assertThat(second).isEqualTo(first + 1);
		KeyValue a = get("a");
		assertThat(a.value().toStringUtf8()).isEqualTo("2");
		assertThat(a.createRevision()).isEqualTo(first);
		assertThat(a.modRevision()).isEqualTo(second);
		assertThat(a.version()).isEqualTo(2);
		assertThat(kv().revision()).isGreaterThanOrEqualTo(second);
	}

	@Test
	void putReturnsThePreviousKeyValueWhenAskedFor() {
		kv().put(put("a", "1"));

		PutResult result = kv().put(put("a", "2").withPrevKv());

		assertThat(result.prevKv()).isNotNull();
		assertThat(result.prevKv().value().toStringUtf8()).isEqualTo("1");
		assertThat(kv().put(put("b", "1").withPrevKv()).prevKv()).isNull();
	}

	@Test
	void rangesByPrefixWithLimitCountAndKeysOnly() {
		for (String k : List.of("c", "a", "b", "d")) {
			kv().put(put(k, "value-" + k));
		}
		kv().put(Put.of("/other/" + prefix, "x"));

		RangeResult all = kv().range(RangeQuery.of(KeyRange.prefix(prefix)));
		assertThat(keys(all)).containsExactly("a", "b", "c", "d");

		RangeResult limited = kv().range(RangeQuery.of(KeyRange.prefix(prefix)).withLimit(2));
		assertThat(keys(limited)).containsExactly("a", "b");
		assertThat(limited.more()).isTrue();
		assertThat(limited.count()).isEqualTo(4);

		RangeResult counted = kv().range(RangeQuery.of(KeyRange.prefix(prefix)).withCountOnly());
		assertThat(counted.kvs()).isEmpty();
		assertThat(counted.count()).isEqualTo(4);

		RangeResult keysOnly = kv().range(RangeQuery.of(KeyRange.prefix(prefix)).withKeysOnly());
		assertThat(keysOnly.kvs()).allSatisfy(kv -> assertThat(kv.value().isEmpty()).isTrue());

		RangeResult between = kv().range(RangeQuery.of(KeyRange.of(key("b"), key("d"))));
		assertThat(keys(between)).containsExactly("b", "c");

		RangeResult descending = kv().range(RangeQuery.of(KeyRange.prefix(prefix))
				.sortedBy(RangeQuery.SortTarget.KEY, RangeQuery.SortOrder.DESCEND));
		assertThat(keys(descending)).containsExactly("d", "c", "b", "a");
	}

	@Test
	void readsTheStoreAsItWasAtAPastRevision() {
		long created = kv().put(put("a", "old")).revision();
		kv().put(put("a", "new"));
		kv().delete(Delete.of(KeyRange.key(key("a"))));
		kv().put(put("b", "later"));

		RangeResult then = kv().range(RangeQuery.of(KeyRange.prefix(prefix)).atRevision(created));

		assertThat(keys(then)).containsExactly("a");
		assertThat(then.kvs().getFirst().value().toStringUtf8()).isEqualTo("old");
		assertThat(keys(kv().range(RangeQuery.of(KeyRange.prefix(prefix))))).containsExactly("b");
	}

	@Test
	void refusesAFutureRevision() {
		long now = kv().revision();

		assertThatThrownBy(() -> kv().range(RangeQuery.of(KeyRange.prefix(prefix)).atRevision(now + 1000)))
				.isInstanceOfSatisfying(RegistryException.class, ex -> {
					assertThat(ex.reason()).isEqualTo(RegistryException.Reason.OUT_OF_RANGE);
					assertThat(ex.getMessage()).isEqualTo(RegistryException.FUTURE_REVISION);
				});
	}

	@Test
	void deletesARangeAndReturnsTheDeletedPairs() {
		kv().put(put("a", "1"));
		kv().put(put("b", "2"));
		kv().put(put("c", "3"));

		DeleteResult result = kv().delete(Delete.of(KeyRange.of(key("a"), key("c"))).withPrevKv());

		assertThat(result.deleted()).isEqualTo(2);
		assertThat(result.prevKvs()).extracting(kv -> kv.value().toStringUtf8()).containsExactly("1", "2");
		assertThat(keys(kv().range(RangeQuery.of(KeyRange.prefix(prefix))))).containsExactly("c");
		long before = kv().revision();
		assertThat(kv().delete(Delete.of(KeyRange.key(key("missing")))).deleted()).isZero();
		assertThat(kv().revision()).as("a delete that deletes nothing writes nothing").isEqualTo(before);
	}

	// Transactions

	@Test
	void transactionAppliesTheSuccessBranchWhenEveryCompareHolds() {
		long created = kv().put(put("lock", "free")).revision();

		TxnResult result = kv().txn(new Txn(
				List.of(Compare.value(KeyRange.key(key("lock")), Result.EQUAL, Bytes.utf8("free")),
						Compare.version(KeyRange.key(key("lock")), Result.EQUAL, 1),
						Compare.createRevision(KeyRange.key(key("lock")), Result.EQUAL, created),
						Compare.modRevision(KeyRange.key(key("lock")), Result.LESS, created + 1),
						Compare.version(KeyRange.key(key("absent")), Result.EQUAL, 0)),
				List.of(put("lock", "taken"), put("owner", "me"), RangeQuery.of(KeyRange.key(key("lock")))),
				List.of(put("loser", "me"))));

		assertThat(result.succeeded()).isTrue();
		assertThat(result.revision()).isEqualTo(created + 1);
		RangeResult inTxn = (RangeResult) result.results().get(2);
		assertThat(inTxn.kvs().getFirst().value().toStringUtf8()).as("a read sees the txn's own writes")
				.isEqualTo("taken");
		assertThat(keys(kv().range(RangeQuery.of(KeyRange.prefix(prefix))))).containsExactly("lock", "owner");
		assertThat(get("lock").modRevision()).isEqualTo(get("owner").modRevision());
	}

	@Test
	void transactionAppliesTheFailureBranchWhenACompareFails() {
		kv().put(put("lock", "taken"));

		TxnResult result = kv().txn(new Txn(
				List.of(Compare.value(KeyRange.key(key("lock")), Result.EQUAL, Bytes.utf8("free"))),
				List.of(put("owner", "me")),
				List.of(new Txn(List.of(), List.of(put("nested", "yes")), List.of()))));

		assertThat(result.succeeded()).isFalse();
		assertThat(keys(kv().range(RangeQuery.of(KeyRange.prefix(prefix))))).containsExactly("lock", "nested");
	}

	@Test
	void valueCompareOnAMissingKeyFails() {
		TxnResult result = kv().txn(new Txn(
				List.of(Compare.value(KeyRange.key(key("absent")), Result.NOT_EQUAL, Bytes.utf8("x"))),
				List.of(put("then", "1")), List.of(put("else", "1"))));

		assertThat(result.succeeded()).isFalse();
	}

	@Test
	void aFailingTransactionAppliesNothing() {
		long before = kv().revision();

		assertThatThrownBy(() -> kv().txn(new Txn(List.of(),
				List.of(put("first", "1"), put("second", "2").withLease(0x7fff_0000_0000_0001L)), List.of())))
				.isInstanceOfSatisfying(RegistryException.class,
						ex -> assertThat(ex.reason()).isEqualTo(RegistryException.Reason.NOT_FOUND));

		assertThat(kv().range(RangeQuery.of(KeyRange.prefix(prefix))).kvs()).isEmpty();
		assertThat(kv().revision()).isEqualTo(before);
	}

	@Test
	void transactionRejectsTheSameKeyPutTwice() {
		assertThatThrownBy(() -> kv().txn(new Txn(List.of(), List.of(put("a", "1"), put("a", "2")), List.of())))
				.isInstanceOfSatisfying(RegistryException.class, ex -> {
					assertThat(ex.reason()).isEqualTo(RegistryException.Reason.INVALID_ARGUMENT);
					assertThat(ex.getMessage()).isEqualTo("etcdserver: duplicate key given in txn request");
				});
	}

	// Compaction

	@Test
	void compactionDiscardsOlderRevisionsButKeepsWhatLaterReadsNeed() {
		long old = kv().put(put("a", "1")).revision();
		kv().put(put("b", "1"));
		long compactedTo = kv().put(put("a", "2")).revision();
		kv().put(put("c", "1"));

		kv().compact(compactedTo);

		assertThatThrownBy(() -> kv().range(RangeQuery.of(KeyRange.prefix(prefix)).atRevision(old)))
				.isInstanceOfSatisfying(RegistryException.class, ex -> {
					assertThat(ex.reason()).isEqualTo(RegistryException.Reason.OUT_OF_RANGE);
					assertThat(ex.getMessage()).isEqualTo(RegistryException.COMPACTED);
				});
		RangeResult atCompaction = kv().range(RangeQuery.of(KeyRange.prefix(prefix)).atRevision(compactedTo));
		assertThat(keys(atCompaction)).containsExactly("a", "b");
		assertThat(atCompaction.kvs()).extracting(kv -> kv.value().toStringUtf8()).containsExactly("2", "1");
	}

	// Leases

	@Test
	void keysAttachedToARevokedLeaseAreDeleted() {
		Lease lease = leases().grant(60);
		kv().put(put("a", "1").withLease(lease.id()));
		kv().put(put("b", "1").withLease(lease.id()));
		kv().put(put("c", "1"));

		LeaseInfo info = leases().timeToLive(lease.id(), true).orElseThrow();
		assertThat(info.grantedTtl()).isEqualTo(60);
		assertThat(info.ttl()).isBetween(1L, 60L);
		assertThat(info.keys()).containsExactlyInAnyOrder(key("a"), key("b")); // etcd lists them unordered
		assertThat(leases().list()).contains(lease.id());
		assertThat(get("a").lease()).isEqualTo(lease.id());

		leases().revoke(lease.id());

		assertThat(keys(kv().range(RangeQuery.of(KeyRange.prefix(prefix))))).containsExactly("c");
		assertThat(leases().timeToLive(lease.id(), false)).isEmpty();
		assertThat(leases().keepAlive(lease.id())).isEmpty();
		assertThat(leases().list()).doesNotContain(lease.id());
	}

	@Test
	void keepAliveRenewsALeaseForItsFullTtl() {
		Lease lease = leases().grant(30);

		assertThat(leases().keepAlive(lease.id())).hasValueSatisfying(l -> assertThat(l.ttl()).isEqualTo(30));
	}

	@Test
	void concurrentKeepAlivesEachGetTheirOwnLeasesAnswer() throws Exception {
		List<Lease> granted = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			granted.add(leases().grant(30 + i));
		}
		List<Callable<String>> renewals = new ArrayList<>();
		for (int round = 0; round < 20; round++) {
			for (Lease lease : granted) {
				renewals.add(() -> lease.id() + ":" + leases().keepAlive(lease.id()).map(Lease::ttl).orElse(-1L));
			}
			long unknown = 0x7fff_0000_0000_0100L + round;
			renewals.add(() -> unknown + ":" + leases().keepAlive(unknown).map(Lease::ttl).orElse(-1L));
		}

		List<String> answers = new ArrayList<>();
		try (var pool = Executors.newFixedThreadPool(16)) {
			for (var answer : pool.invokeAll(renewals)) {
				answers.add(answer.get());
			}
		}

		List<String> expected = new ArrayList<>();
		for (int round = 0; round < 20; round++) {
			for (Lease lease : granted) {
				expected.add(lease.id() + ":" + lease.ttl());
			}
			expected.add((0x7fff_0000_0000_0100L + round) + ":-1");
		}
		assertThat(answers).containsExactlyElementsOf(expected);
	}

	@Test
	void anExpiredLeaseTakesItsKeysWithItAndWatchersSeeTheDelete() {
		Lease lease = leases().grant(2);
		kv().put(put("ephemeral", "1").withLease(lease.id()));
		RecordingListener listener = new RecordingListener();
		try (Watch ignored = watches().watch(WatchRequest.of(KeyRange.prefix(prefix)), listener)) {
			await().atMost(EVENTUALLY).untilAsserted(() -> {
				assertThat(kv().range(RangeQuery.of(KeyRange.prefix(prefix))).kvs()).isEmpty();
				assertThat(listener.summary()).containsExactly("DELETE " + key("ephemeral"));
			});
		}
		assertThat(leases().timeToLive(lease.id(), false)).isEmpty();
	}

	@Test
	void rejectsBadLeaseRequests() {
		assertReason(() -> leases().grant(-5), RegistryException.Reason.INVALID_ARGUMENT);
		assertReason(() -> leases().revoke(0x7fff_0000_0000_0002L), RegistryException.Reason.NOT_FOUND);
		assertReason(() -> kv().put(put("a", "1").withLease(0x7fff_0000_0000_0003L)),
				RegistryException.Reason.NOT_FOUND);
		assertThat(leases().keepAlive(0x7fff_0000_0000_0004L)).isEmpty();
		assertThat(leases().timeToLive(0x7fff_0000_0000_0005L, true)).isEmpty();
	}

	@Test
	void rejectsEmptyKeys() {
		assertReason(() -> Put.of(Bytes.EMPTY, Bytes.utf8("v")), RegistryException.Reason.INVALID_ARGUMENT);
		assertReason(() -> KeyRange.key(Bytes.EMPTY), RegistryException.Reason.INVALID_ARGUMENT);
	}

	// Watches

	@Test
	void watchFromNowSeesPutsAndDeletesWithPreviousValues() {
		kv().put(put("a", "before"));
		RecordingListener listener = new RecordingListener();
		try (Watch ignored = watches().watch(WatchRequest.of(KeyRange.prefix(prefix)).withPrevKv(), listener)) {
			kv().put(put("a", "after"));
			// Before the last watched write, so that by the time that arrives this would have arrived too.
			kv().put(Put.of("/elsewhere/" + prefix, "not watched"));
			kv().delete(Delete.of(KeyRange.key(key("a"))));

			await().atMost(EVENTUALLY).untilAsserted(() -> assertThat(listener.summary())
					.containsExactly("PUT " + key("a") + "=after", "DELETE " + key("a")));
		}
		List<WatchEvent> events = listener.events();
		assertThat(events.get(0).prevKv().value().toStringUtf8()).isEqualTo("before");
		assertThat(events.get(1).prevKv().value().toStringUtf8()).isEqualTo("after");
		assertThat(events.get(1).revision()).isGreaterThan(events.get(0).revision());
	}

	@Test
	void everyWatchFromNowGetsEveryChangeAfterItsCreatedRevisionWhileWritesStream() throws Exception {
		int eventsEach = 5;
		NavigableSet<Long> written = new ConcurrentSkipListSet<>();
		AtomicBoolean writing = new AtomicBoolean(true);
		Thread writer = Thread.ofPlatform().start(() -> {
			for (int i = 0; writing.get(); i++) {
				written.add(kv().put(put("stream/" + (i % 20), "v" + i)).revision());
			}
		});
		Map<Watch, RecordingListener> watched = new LinkedHashMap<>();
		try {
			for (int i = 0; i < 300; i++) {
				RecordingListener listener = new RecordingListener();
				watched.put(watches().watch(WatchRequest.of(KeyRange.prefix(prefix + "stream/")), listener), listener);
			}
			await().atMost(Duration.ofSeconds(30)).until(() -> watched.values().stream()
					.allMatch(listener -> listener.events().size() >= eventsEach));
		}
		finally {
			writing.set(false);
			writer.join();
			watched.keySet().forEach(Watch::cancel);
		}

		assertThat(watched).allSatisfy((watch, listener) -> assertThat(
				listener.events().stream().limit(eventsEach).map(WatchEvent::revision).toList())
				.as("a watch created at revision %d", watch.createdRevision())
				.isEqualTo(written.tailSet(watch.createdRevision(), false).stream().limit(eventsEach).toList()));
	}

	@Test
	void watchFromAPastRevisionReplaysHistory() {
		long start = kv().put(put("a", "1")).revision();
		kv().put(put("b", "1"));
		kv().delete(Delete.of(KeyRange.key(key("a"))));
		RecordingListener listener = new RecordingListener();

		try (Watch ignored = watches().watch(WatchRequest.of(KeyRange.prefix(prefix)).fromRevision(start), listener)) {
			kv().put(put("c", "1"));
			await().atMost(EVENTUALLY).untilAsserted(() -> assertThat(listener.summary()).containsExactly(
					"PUT " + key("a") + "=1", "PUT " + key("b") + "=1", "DELETE " + key("a"), "PUT " + key("c") + "=1"));
		}
	}

	@Test
	void watchOfOneKeyIgnoresItsNeighbours() {
		RecordingListener listener = new RecordingListener();
		try (Watch ignored = watches().watch(WatchRequest.of(KeyRange.key(key("a"))), listener)) {
			kv().put(put("ab", "1"));
			kv().put(put("a", "1"));
			await().atMost(EVENTUALLY).untilAsserted(
					() -> assertThat(listener.summary()).containsExactly("PUT " + key("a") + "=1"));
		}
	}

	@Test
	void watchOfACompactedRevisionIsCanceledWithTheCompactRevision() {
		long old = kv().put(put("a", "1")).revision();
		long compactedTo = kv().put(put("a", "2")).revision();
		kv().compact(compactedTo);
		RecordingListener listener = new RecordingListener();

		try (Watch ignored = watches().watch(WatchRequest.of(KeyRange.prefix(prefix)).fromRevision(old), listener)) {
			await().atMost(EVENTUALLY).untilAsserted(() -> {
				assertThat(listener.canceled()).isNotNull();
				assertThat(listener.canceled().reason()).isEqualTo(RegistryException.Reason.OUT_OF_RANGE);
			});
		}
		assertThat(listener.compactRevision()).isGreaterThanOrEqualTo(compactedTo);
		assertThat(listener.events()).isEmpty();
	}

	@Test
	void requestedProgressReportsTheRevisionReached() {
		RecordingListener listener = new RecordingListener();
		try (Watch watch = watches().watch(WatchRequest.of(KeyRange.prefix(prefix)), listener)) {
			long revision = kv().put(Put.of("/elsewhere/" + prefix, "x")).revision();
			await().atMost(EVENTUALLY).untilAsserted(() -> {
				watch.requestProgress();
				assertThat(listener.progress()).anySatisfy(r -> assertThat(r).isGreaterThanOrEqualTo(revision));
			});
		}
		assertThat(listener.events()).isEmpty();
	}

	@Test
	void aCanceledWatchHearsNothingMore() {
		RecordingListener listener = new RecordingListener();
		Watch watch = watches().watch(WatchRequest.of(KeyRange.prefix(prefix)), listener);
		kv().put(put("a", "1"));
		await().atMost(EVENTUALLY).until(() -> listener.events().size() == 1);

		watch.cancel();
		kv().put(put("b", "1"));
		RecordingListener witness = new RecordingListener();
		try (Watch ignored = watches().watch(
				WatchRequest.of(KeyRange.prefix(prefix)).fromRevision(kv().revision()), witness)) {
			await().atMost(EVENTUALLY).until(() -> witness.events().size() == 1);
		}

		assertThat(listener.summary()).containsExactly("PUT " + key("a") + "=1");
	}

	// Helpers

	protected Bytes key(String name) {
		return Bytes.utf8(prefix + name);
	}

	protected Put put(String name, String value) {
		return Put.of(key(name), Bytes.utf8(value));
	}

	protected KeyValue get(String name) {
		return kv().range(RangeQuery.of(KeyRange.key(key(name)))).kvs().getFirst();
	}

	protected List<String> keys(RangeResult result) {
		return result.kvs().stream().map(kv -> kv.key().toStringUtf8().substring(prefix.length())).toList();
	}

	private static void assertReason(org.assertj.core.api.ThrowableAssert.ThrowingCallable call,
			RegistryException.Reason reason) {
		assertThatThrownBy(call).isInstanceOfSatisfying(RegistryException.class,
				ex -> assertThat(ex.reason()).isEqualTo(reason));
	}
}
