package io.cleave.registry.grpc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import io.cleave.registry.Bytes;
import io.cleave.registry.Compare;
import io.cleave.registry.Delete;
import io.cleave.registry.DeleteResult;
import io.cleave.registry.KeyRange;
import io.cleave.registry.KeyValue;
import io.cleave.registry.Lease;
import io.cleave.registry.LeaseInfo;
import io.cleave.registry.Put;
import io.cleave.registry.PutResult;
import io.cleave.registry.RangeQuery;
import io.cleave.registry.RangeQuery.SortOrder;
import io.cleave.registry.RangeQuery.SortTarget;
import io.cleave.registry.RangeResult;
import io.cleave.registry.RecordingListener;
import io.cleave.registry.RegistryException;
import io.cleave.registry.RegistryException.Reason;
import io.cleave.registry.Txn;
import io.cleave.registry.TxnResult;
import io.cleave.registry.Watch;
import io.cleave.registry.WatchEvent;
import io.cleave.registry.WatchListener;
import io.cleave.registry.WatchRequest;
import io.cleave.testing.EtcdProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link EtcdGrpcClient} against a real etcd 3.4 (Debian's {@code etcd-server}, started by {@link EtcdProcess}):
 * every request and answer of the registry API as etcd gives it, its errors, and a watch across an etcd restart.
 * Each test works under a key prefix of its own.
 */
class EtcdGrpcClientTests {

	@RegisterExtension
	static final EtcdProcess etcd = new EtcdProcess();

	private static EtcdGrpcClient client;

	private String prefix;

	@BeforeAll
	static void connect() {
		client = new EtcdGrpcClient(List.of(URI.create(etcd.endpoint())), EtcdGrpcClient.DEFAULT_TIMEOUT);
	}

	@AfterAll
	static void disconnect() {
		client.close();
	}

	@BeforeEach
	void prefix(TestInfo test) {
		prefix = "/test/" + test.getTestMethod().orElseThrow().getName() + "/";
	}

	// Key-value store

	@Test
	void putsAndReadsAKeyWithEtcdsRevisionsAndVersion() {
		PutResult first = client.put(put("a", "1"));
		PutResult second = client.put(put("a", "2").withPrevKv());

		assertThat(second.revision()).isEqualTo(first.revision() + 1);
		assertThat(second.prevKv()).isEqualTo(new KeyValue(bytes("a"), Bytes.utf8("1"), first.revision(),
				first.revision(), 1, 0));
		RangeResult read = client.range(RangeQuery.of(KeyRange.key(key("a"))));
		assertThat(read.kvs()).containsExactly(new KeyValue(bytes("a"), Bytes.utf8("2"), first.revision(),
				second.revision(), 2, 0));
		assertThat(read.count()).isEqualTo(1);
		assertThat(read.revision()).isGreaterThanOrEqualTo(second.revision());
		assertThat(client.revision()).isGreaterThanOrEqualTo(second.revision());
	}

	@Test
	void readsAPrefixWithLimitSortKeysOnlyCountOnlyAndRevisionFilters() {
		long first = client.put(put("p/1", "one")).revision();
		client.put(put("p/2", "two"));
		long third = client.put(put("p/3", "three")).revision();
		client.put(put("q", "not in the prefix"));
		RangeQuery prefixed = RangeQuery.of(KeyRange.prefix(key("p/")));

		assertThat(keys(client.range(prefixed))).containsExactly(key("p/1"), key("p/2"), key("p/3"));
		RangeResult limited = client.range(prefixed.withLimit(2).sortedBy(SortTarget.KEY, SortOrder.DESCEND));
		assertThat(keys(limited)).containsExactly(key("p/3"), key("p/2"));
		assertThat(limited.more()).isTrue();
		assertThat(limited.count()).isEqualTo(3);
		assertThat(client.range(prefixed.withKeysOnly()).kvs())
				.extracting(KeyValue::value).containsOnly(Bytes.EMPTY);
		RangeResult counted = client.range(prefixed.withCountOnly());
		assertThat(counted.kvs()).isEmpty();
		assertThat(counted.count()).isEqualTo(3);
		RangeQuery modifiedLater = new RangeQuery(prefixed.range(), 0, 0, false, false, SortTarget.KEY,
				SortOrder.NONE, first + 1, 0, 0, third - 1);
		assertThat(keys(client.range(modifiedLater))).containsExactly(key("p/2"));
	}

	@Test
	void readsTheStoreAsItWasAtAPastRevision() {
		long before = client.put(put("k", "old")).revision();
		client.put(put("k", "new"));
		client.delete(Delete.of(KeyRange.key(key("k"))));

		RangeQuery atBefore = RangeQuery.of(KeyRange.key(key("k"))).atRevision(before);
		assertThat(client.range(atBefore).kvs()).extracting(KeyValue::value).containsExactly(Bytes.utf8("old"));
		assertThat(client.range(RangeQuery.of(KeyRange.key(key("k")))).kvs()).isEmpty();
	}

	@Test
	void deletesARangeAndReturnsTheDeletedKeyValues() {
		client.put(put("d/1", "one"));
		long last = client.put(put("d/2", "two")).revision();
		client.put(put("e", "stays"));

		DeleteResult deleted = client.delete(Delete.of(KeyRange.prefix(key("d/"))).withPrevKv());

		assertThat(deleted.deleted()).isEqualTo(2);
		assertThat(deleted.revision()).isEqualTo(last + 2);
		assertThat(deleted.prevKvs()).extracting(KeyValue::value).containsExactly(Bytes.utf8("one"), Bytes.utf8("two"));
		assertThat(client.range(RangeQuery.of(KeyRange.prefix(prefix))).kvs())
				.extracting(KeyValue::key).containsExactly(bytes("e"));
		assertThat(client.delete(Delete.of(KeyRange.key(key("missing")))).deleted()).isZero();
	}

	@Test
	void appliesTheSuccessBranchWithNestedTransactionsWhenEveryCompareHolds() {
		long created = client.put(put("lock", "free")).revision();
		client.put(put("r/1", "x"));
		client.put(put("r/2", "y"));

		TxnResult result = client.txn(new Txn(
				List.of(Compare.value(KeyRange.key(key("lock")), Compare.Result.EQUAL, Bytes.utf8("free")),
						Compare.createRevision(KeyRange.key(key("lock")), Compare.Result.EQUAL, created),
						Compare.version(KeyRange.prefix(key("r/")), Compare.Result.EQUAL, 1),
						Compare.lease(KeyRange.key(key("lock")), Compare.Result.EQUAL, 0)),
				List.of(put("lock", "taken").withPrevKv(),
						RangeQuery.of(KeyRange.prefix(key("r/"))),
						new Txn(List.of(), List.of(Delete.of(KeyRange.key(key("r/1")))), List.of())),
				List.of(put("lost", "yes"))));

		assertThat(result.succeeded()).isTrue();
		assertThat(result.results()).hasSize(3);
		assertThat(((PutResult) result.results().get(0)).prevKv()).extracting(KeyValue::value)
				.isEqualTo(Bytes.utf8("free"));
		assertThat(keys((RangeResult) result.results().get(1))).containsExactly(key("r/1"), key("r/2"));
		TxnResult nested = (TxnResult) result.results().get(2);
		assertThat(nested.succeeded()).isTrue();
		assertThat(((DeleteResult) nested.results().getFirst()).deleted()).isEqualTo(1);
		assertThat(value("lock")).contains("taken");
		assertThat(value("r/1")).isEmpty();
		assertThat(value("lost")).isEmpty();
	}

	@Test
	void appliesOnlyTheFailureBranchWhenACompareFails() {
		client.put(put("lock", "taken"));

		TxnResult result = client.txn(new Txn(
				List.of(Compare.value(KeyRange.key(key("lock")), Compare.Result.EQUAL, Bytes.utf8("free"))),
				List.of(put("lock", "mine")),
				List.of(RangeQuery.of(KeyRange.key(key("lock"))))));

		assertThat(result.succeeded()).isFalse();
		assertThat(keys((RangeResult) result.results().getFirst())).containsExactly(key("lock"));
		assertThat(value("lock")).contains("taken");
	}

	@Test
	void appliesNothingOfATransactionThatFails() {
		long before = client.revision();

		assertThatExceptionOfType(RegistryException.class)
				.isThrownBy(() -> client.txn(new Txn(List.of(),
						List.of(put("first", "1"), put("second", "2").withLease(0x7fff_0000_0000_0001L)),
						List.of())))
				.satisfies(ex -> assertThat(ex.reason()).isEqualTo(Reason.NOT_FOUND))
				.withMessage(RegistryException.LEASE_NOT_FOUND);
		assertThat(value("first")).isEmpty();
		assertThat(client.revision()).isEqualTo(before);
	}

	@Test
	void rejectsAReadAtACompactedRevisionAsOutOfRangeWithEtcdsMessage() {
		long old = client.put(put("k", "old")).revision();
		long current = client.put(put("k", "new")).revision();

		assertThat(client.compact(current)).isGreaterThanOrEqualTo(current);

		assertThatExceptionOfType(RegistryException.class)
				.isThrownBy(() -> client.range(RangeQuery.of(KeyRange.key(key("k"))).atRevision(old)))
				.satisfies(ex -> assertThat(ex.reason()).isEqualTo(Reason.OUT_OF_RANGE))
				.withMessage(RegistryException.COMPACTED);
		assertThatExceptionOfType(RegistryException.class)
				.isThrownBy(() -> client.range(RangeQuery.of(KeyRange.key(key("k"))).atRevision(current + 1000)))
				.satisfies(ex -> assertThat(ex.reason()).isEqualTo(Reason.OUT_OF_RANGE))
				.withMessage(RegistryException.FUTURE_REVISION);
		assertThat(value("k")).contains("new");
	}

	@Test
	void rejectsAnEmptyKeyAsAnInvalidArgument() {
		assertThatExceptionOfType(RegistryException.class)
				.isThrownBy(() -> client.put(Put.of("", "value")))
				.satisfies(ex -> assertThat(ex.reason()).isEqualTo(Reason.INVALID_ARGUMENT))
				.withMessage("etcdserver: key is not provided");
	}

	// Leases

	@Test
	void grantsKeepsAliveAndReportsALeaseWithItsKeys() {
		Lease lease = client.grant(60);
		client.put(put("instance", "up").withLease(lease.id()));

		assertThat(lease.ttl()).isEqualTo(60);
		assertThat(client.keepAlive(lease.id())).contains(new Lease(lease.id(), 60));
		Optional<LeaseInfo> info = client.timeToLive(lease.id(), true);
		assertThat(info).hasValueSatisfying(it -> {
			assertThat(it.grantedTtl()).isEqualTo(60);
			assertThat(it.ttl()).isBetween(55L, 60L);
			assertThat(it.keys()).containsExactly(bytes("instance"));
		});
		assertThat(client.list()).contains(lease.id());
		assertThat(client.range(RangeQuery.of(KeyRange.key(key("instance")))).kvs())
				.extracting(KeyValue::lease).containsExactly(lease.id());
	}

	@Test
	void keepsManyLeasesAliveConcurrentlyOverOneStream() {
		List<Lease> leases = IntStream.range(0, 20).mapToObj(i -> client.grant(30)).toList();

		List<CompletableFuture<Optional<Lease>>> renewals = leases.stream()
				.flatMap(lease -> IntStream.range(0, 5)
						.mapToObj(i -> CompletableFuture.supplyAsync(() -> client.keepAlive(lease.id()))))
				.toList();

		for (int i = 0; i < renewals.size(); i++) {
			long id = leases.get(i / 5).id();
			assertThat(renewals.get(i).join()).contains(new Lease(id, 30));
		}
	}

	@Test
	void revokingALeaseDeletesItsKeysAndForgetsIt() {
		Lease lease = client.grant(60);
		client.put(put("a", "1").withLease(lease.id()));
		client.put(put("b", "2").withLease(lease.id()));

		client.revoke(lease.id());

		assertThat(client.range(RangeQuery.of(KeyRange.prefix(prefix))).kvs()).isEmpty();
		assertThat(client.timeToLive(lease.id(), false)).isEmpty();
		assertThat(client.keepAlive(lease.id())).isEmpty();
		assertThat(client.list()).doesNotContain(lease.id());
	}

	@Test
	void rejectsUnknownLeasesAsNotFoundAndTakenIdsAsFailedPreconditions() {
		long unknown = 0x7fff_0000_0000_0002L;

		assertThatExceptionOfType(RegistryException.class)
				.isThrownBy(() -> client.revoke(unknown))
				.satisfies(ex -> assertThat(ex.reason()).isEqualTo(Reason.NOT_FOUND))
				.withMessage(RegistryException.LEASE_NOT_FOUND);
		assertThatExceptionOfType(RegistryException.class)
				.isThrownBy(() -> client.put(put("k", "v").withLease(unknown)))
				.satisfies(ex -> assertThat(ex.reason()).isEqualTo(Reason.NOT_FOUND))
				.withMessage(RegistryException.LEASE_NOT_FOUND);
		Lease taken = client.grant(60);
		assertThatExceptionOfType(RegistryException.class)
				.isThrownBy(() -> client.grant(taken.id(), 60))
				.satisfies(ex -> assertThat(ex.reason()).isEqualTo(Reason.FAILED_PRECONDITION))
				.withMessage(RegistryException.LEASE_EXISTS);
		assertThatExceptionOfType(RegistryException.class)
				.isThrownBy(() -> client.grant(0))
				.satisfies(ex -> assertThat(ex.reason()).isEqualTo(Reason.INVALID_ARGUMENT));
	}

	// Connections

	@Test
	void servesCallsThroughALiveMemberWhileAnotherEndpointIsDown() {
		List<URI> endpoints = List.of(URI.create("http://127.0.0.1:" + unusedPort()), URI.create(etcd.endpoint()));
		try (EtcdGrpcClient twoMembers = new EtcdGrpcClient(endpoints, EtcdGrpcClient.DEFAULT_TIMEOUT)) {
			for (int i = 0; i < 4; i++) {
				twoMembers.put(put("k", "v" + i));
			}
			assertThat(value("k")).contains("v3");
		}
	}

	@Test
	void reportsAnUnreachableClusterAsUnavailable() {
		List<URI> nowhere = List.of(URI.create("http://127.0.0.1:" + unusedPort()));
		try (EtcdGrpcClient unreachable = new EtcdGrpcClient(nowhere, Duration.ofSeconds(2))) {
			assertThatExceptionOfType(RegistryException.class)
					.isThrownBy(() -> unreachable.put(put("k", "v")))
					.satisfies(ex -> assertThat(ex.reason()).isEqualTo(Reason.UNAVAILABLE))
					.withMessageStartingWith("etcd call failed: UNAVAILABLE");
			assertThatExceptionOfType(RegistryException.class)
					.isThrownBy(() -> unreachable.watch(WatchRequest.of(KeyRange.key(key("k"))), new RecordingListener()))
					.satisfies(ex -> assertThat(ex.reason()).isEqualTo(Reason.UNAVAILABLE));
		}
	}

	// Watches

	@Test
	void watchesAPrefixFromNowOnWithPutsAndDeletes() {
		client.put(put("w/before", "not reported"));
		RecordingListener listener = new RecordingListener();

		try (Watch watch = client.watch(WatchRequest.of(KeyRange.prefix(key("w/"))), listener)) {
			client.put(put("w/1", "a"));
			client.put(put("elsewhere", "not watched"));
			client.delete(Delete.of(KeyRange.key(key("w/1"))));

			await().untilAsserted(() -> assertThat(listener.summary())
					.containsExactly("PUT " + key("w/1") + "=a", "DELETE " + key("w/1")));
			assertThat(listener.events().get(1).kv().modRevision())
					.isEqualTo(listener.events().get(0).kv().modRevision() + 2);
		}
	}

	@Test
	void replaysHistoryFromAPastRevisionWithPreviousKeyValues() {
		long start = client.put(put("k", "1")).revision();
		client.put(put("k", "2"));
		client.delete(Delete.of(KeyRange.key(key("k"))));
		RecordingListener listener = new RecordingListener();

		try (Watch watch = client.watch(WatchRequest.of(KeyRange.key(key("k"))).fromRevision(start).withPrevKv(),
				listener)) {
			await().untilAsserted(() -> assertThat(listener.summary())
					.containsExactly("PUT " + key("k") + "=1", "PUT " + key("k") + "=2", "DELETE " + key("k")));
			List<WatchEvent> events = listener.events();
			assertThat(events.get(0).prevKv()).isNull();
			assertThat(events.get(1).prevKv()).extracting(KeyValue::value).isEqualTo(Bytes.utf8("1"));
			assertThat(events.get(2).prevKv()).extracting(KeyValue::value).isEqualTo(Bytes.utf8("2"));
			assertThat(events.get(2).kv().value()).isEqualTo(Bytes.EMPTY);
		}
	}

	@Test
	void answersAProgressRequestWithTheStoresRevision() {
		RecordingListener listener = new RecordingListener();

		try (Watch watch = client.watch(WatchRequest.of(KeyRange.key(key("quiet"))), listener)) {
			long revision = client.put(put("noise", "not watched")).revision();
			watch.requestProgress();

			await().untilAsserted(() -> assertThat(listener.progress()).anySatisfy(
					progress -> assertThat(progress).isGreaterThanOrEqualTo(revision)));
			assertThat(listener.events()).isEmpty();
		}
	}

	@Test
	void tellsAWatchFromACompactedRevisionItWasCanceledWithTheCompactRevision() {
		long old = client.put(put("k", "1")).revision();
		long compacted = client.put(put("k", "2")).revision();
		client.compact(compacted);
		RecordingListener listener = new RecordingListener();

		try (Watch watch = client.watch(WatchRequest.of(KeyRange.key(key("k"))).fromRevision(old), listener)) {
			await().untilAsserted(() -> assertThat(listener.canceled()).isNotNull());
			assertThat(listener.canceled().reason()).isEqualTo(Reason.OUT_OF_RANGE);
			assertThat(listener.canceled()).hasMessage(RegistryException.COMPACTED);
			assertThat(listener.compactRevision()).isEqualTo(compacted);
			assertThat(listener.events()).isEmpty();
		}
	}

	@Test
	void aCanceledWatchHearsNothingMore() {
		RecordingListener listener = new RecordingListener();
		Watch watch = client.watch(WatchRequest.of(KeyRange.key(key("k"))), listener);
		client.put(put("k", "seen"));
		await().until(() -> listener.events().size() == 1);

		watch.cancel();
		client.put(put("k", "unseen"));
		awaitSeenByAnotherWatch("k");

		assertThat(listener.summary()).containsExactly("PUT " + key("k") + "=seen");
		assertThat(listener.canceled()).isNull();
	}

	@Test
	void closingAClientEndsItsWatchesQuietly() {
		RecordingListener listener = new RecordingListener();
		EtcdGrpcClient closing = new EtcdGrpcClient(List.of(URI.create(etcd.endpoint())), EtcdGrpcClient.DEFAULT_TIMEOUT);
		closing.watch(WatchRequest.of(KeyRange.key(key("k"))), listener);

		closing.close();
		client.put(put("k", "unseen"));
		awaitSeenByAnotherWatch("k");

		assertThat(listener.events()).isEmpty();
		assertThat(listener.canceled()).isNull();
	}

	/** Writes {@code name} and waits until a new watch saw it: by then an older watch would have seen earlier writes. */
	private void awaitSeenByAnotherWatch(String name) {
		RecordingListener witness = new RecordingListener();
		try (Watch watch = client.watch(WatchRequest.of(KeyRange.key(key(name))), witness)) {
			client.put(put(name, "witnessed"));
			await().until(() -> witness.events().size() == 1);
		}
	}

	@Test
	void aWatchAndKeepAlivesSurviveAnEtcdRestartWithoutLosingOrRepeatingAnEvent() {
		RecordingListener listener = new RecordingListener();
		Lease lease = client.grant(60);
		try (Watch watch = client.watch(WatchRequest.of(KeyRange.prefix(key("r/"))), listener)) {
			client.put(put("r/before", "1"));
			await().until(() -> listener.events().size() == 1);
			assertThat(client.keepAlive(lease.id())).isPresent();

			etcd.stop();
			etcd.start();
			// A fresh client writes at once, most likely before the watch's backoff has let it reconnect: the
			// watch must then replay these writes from its resume revision rather than start from "now".
			try (EtcdGrpcClient writer = new EtcdGrpcClient(List.of(URI.create(etcd.endpoint())),
					EtcdGrpcClient.DEFAULT_TIMEOUT)) {
				writer.put(put("r/after", "2"));
				writer.put(put("r/after", "3"));
			}

			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(listener.summary())
					.containsExactly("PUT " + key("r/before") + "=1", "PUT " + key("r/after") + "=2",
							"PUT " + key("r/after") + "=3"));
			assertThat(listener.canceled()).isNull();
			// The shared keep-alive stream broke with etcd; a later renewal opens a new one (etcd kept the lease).
			await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
					.until(() -> client.keepAlive(lease.id()).isPresent());
		}
	}

	@Test
	void aListenerThatThrowsEndsItsWatchAndHearsWhy() {
		RecordingListener recorder = new RecordingListener();
		WatchListener throwing = new WatchListener() {

			@Override
			public void onEvents(long revision, List<WatchEvent> events) {
				throw new IllegalStateException("listener bug");
			}

			@Override
			public void onCanceled(RegistryException reason, long compactRevision) {
				recorder.onCanceled(reason, compactRevision);
			}
		};

		try (Watch watch = client.watch(WatchRequest.of(KeyRange.key(key("k"))), throwing)) {
			client.put(put("k", "v"));

			await().untilAsserted(() -> assertThat(recorder.canceled()).isNotNull()
					.hasMessageContaining("listener bug"));
			assertThat(recorder.canceled().reason()).isEqualTo(Reason.UNAVAILABLE);
		}
	}

	private Bytes key(String name) {
		return Bytes.utf8(prefix + name);
	}

	private Bytes bytes(String name) {
		return key(name);
	}

	private Put put(String name, String value) {
		return Put.of(key(name), Bytes.utf8(value));
	}

	private Optional<String> value(String name) {
		return client.range(RangeQuery.of(KeyRange.key(key(name)))).kvs().stream()
				.map(kv -> kv.value().toStringUtf8())
				.findFirst();
	}

	private static int unusedPort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static List<Bytes> keys(RangeResult result) {
		return result.kvs().stream().map(KeyValue::key).toList();
	}
}
