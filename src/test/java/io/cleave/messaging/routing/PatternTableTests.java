package io.cleave.messaging.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

import io.cleave.messaging.Pattern;
import io.cleave.registry.Delete;
import io.cleave.registry.DeleteResult;
import io.cleave.registry.KeyRange;
import io.cleave.registry.KeyValue;
import io.cleave.registry.KeyValueStore;
import io.cleave.registry.Leases;
import io.cleave.registry.Put;
import io.cleave.registry.PutResult;
import io.cleave.registry.RangeQuery;
import io.cleave.registry.RangeResult;
import io.cleave.registry.RegistryException;
import io.cleave.registry.ServiceRegistry;
import io.cleave.registry.Txn;
import io.cleave.registry.TxnResult;
import io.cleave.registry.WatchListener;
import io.cleave.registry.Watches;
import io.cleave.testing.FreshDataDirectory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The pattern table on the embedded store: the application's own table (node {@code cleave-1}) and further tables
 * built here for other nodes on the same store, each with a lease of its own, as nodes sharing one registry.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "cleave.registry.etcd-api.port=0", "cleave.registry.store.lease-check-interval=100ms" })
class PatternTableTests {

	private static final Duration EVENTUALLY = Duration.ofSeconds(10);

	@Autowired
	private PatternTable table;

	@Autowired
	private KeyValueStore kv;

	@Autowired
	private Watches watches;

	@Autowired
	private Leases leases;

	@Autowired
	private ServiceRegistry registry;

	private final List<PatternTable> others = new ArrayList<>();

	/** A role of this test's own, so tests sharing the context do not see each other's patterns. */
	private String role;

	@DynamicPropertySource
	static void freshDataDirectory(DynamicPropertyRegistry registry) {
		FreshDataDirectory.register(registry, "cleave-patterns-");
	}

	@BeforeEach
	void isolate() {
		role = "r" + UUID.randomUUID().toString().substring(0, 8);
	}

	@AfterEach
	void stopOtherNodes() {
		others.forEach(PatternTable::stop);
		table.advertisedHere()
			.keySet()
			.stream()
			.filter(pattern -> role.equals(pattern.properties().get("role")))
			.forEach(table::withdraw);
	}

	@Test
	void eachNodeRoutesToThePatternsTheOtherAdvertises() {
		PatternTable nodeB = started(node("node-b", leases.grant(60).id()));

		table.advertise(pattern("cmd:sum"), "math");
		nodeB.advertise(pattern("cmd:sum,integer:true"), "math-integers");

		await().atMost(EVENTUALLY).untilAsserted(() -> {
			assertThat(nodeB.route(subject("cmd:sum,integer:false"))).hasValue(
					new PatternRoute(pattern("cmd:sum"), "math", List.of("cleave-1")));
			assertThat(table.route(subject("cmd:sum,integer:true,left:1"))).hasValue(
					new PatternRoute(pattern("cmd:sum,integer:true"), "math-integers", List.of("node-b")));
		});
		assertThat(table.route(subject("cmd:product"))).isEmpty();
	}

	@Test
	void aPatternServedByTwoNodesListsBothUntilOneWithdraws() {
		PatternTable nodeB = started(node("node-b", leases.grant(60).id()));

		table.advertise(pattern("cmd:positive"), "math");
		nodeB.advertise(pattern("cmd:positive"), "math");
		await().atMost(EVENTUALLY).untilAsserted(() -> assertThat(table.route(subject("cmd:positive")))
			.get()
			.extracting(PatternRoute::nodes)
			.isEqualTo(List.of("cleave-1", "node-b")));

		nodeB.withdraw(pattern("cmd:positive"));
		await().atMost(EVENTUALLY).untilAsserted(() -> assertThat(nodeB.route(subject("cmd:positive")))
			.get()
			.extracting(PatternRoute::nodes)
			.isEqualTo(List.of("cleave-1")));

		table.withdraw(pattern("cmd:positive"));
		await().atMost(EVENTUALLY).untilAsserted(() -> assertThat(nodeB.route(subject("cmd:positive"))).isEmpty());
	}

	@Test
	void theApplicationsPatternsLiveOnTheNodesLease() {
		table.advertise(pattern("cmd:sum"), "math");

		RangeResult stored = kv.range(RangeQuery.of(KeyRange.key(PatternTable.PREFIX + pattern("cmd:sum") + "/cleave-1")));
		assertThat(stored.kvs()).singleElement().satisfies(kv -> {
			assertThat(kv.lease()).isEqualTo(registry.nodeLease()).isNotZero();
			assertThat(kv.value().toStringUtf8()).isEqualTo("{\"queue\":\"math\"}");
		});
	}

	@Test
	void aNodesPatternsDisappearWhenItsLeaseExpires() {
		long lease = leases.grant(1).id(); // never kept alive: the node "crashed" at once
		PatternTable nodeB = started(node("node-b", lease));
		nodeB.advertise(pattern("cmd:sum"), "math");
		await().atMost(EVENTUALLY).untilAsserted(() -> assertThat(table.route(subject("cmd:sum"))).isPresent());

		await().atMost(EVENTUALLY).untilAsserted(() -> assertThat(table.route(subject("cmd:sum"))).isEmpty());
		assertThat(leases.timeToLive(lease, false)).isEmpty();
	}

	@Test
	void aNodeAdvertisesAgainUnderItsNewLeaseWhenItsLeaseWasReplaced() {
		var lease = new AtomicLong(leases.grant(60).id());
		PatternTable nodeB = started(node("node-b", lease::get));
		nodeB.advertise(pattern("cmd:sum"), "math");
		await().atMost(EVENTUALLY).untilAsserted(() -> assertThat(table.route(subject("cmd:sum"))).isPresent());

		leases.revoke(lease.get());
		await().atMost(EVENTUALLY).untilAsserted(() -> assertThat(table.route(subject("cmd:sum"))).isEmpty());
		lease.set(leases.grant(60).id());

		await().atMost(EVENTUALLY).untilAsserted(() -> assertThat(table.route(subject("cmd:sum"))).isPresent());
	}

	@Test
	void patternsAdvertisedBeforeStartAreWrittenAtStartAndWithdrawnAtStop() {
		PatternTable nodeB = node("node-b", leases.grant(60).id());
		nodeB.advertise(pattern("cmd:sum"), "math");
		assertThat(kv.range(RangeQuery.of(KeyRange.prefix(PatternTable.PREFIX + "cmd:sum,role:" + role))).kvs())
			.isEmpty();

		nodeB.start();
		others.add(nodeB);
		await().atMost(EVENTUALLY).untilAsserted(() -> assertThat(table.route(subject("cmd:sum"))).isPresent());

		nodeB.stop();
		await().atMost(EVENTUALLY).untilAsserted(() -> assertThat(table.route(subject("cmd:sum"))).isEmpty());
	}

	@Test
	void aPatternWrittenBetweenSnapshotAndWatchIsNotLost() {
		var snapshotRevision = new AtomicLong();
		var writtenAt = new AtomicLong();
		// Another node advertises right after this table read its snapshot and before it starts watching.
		KeyValueStore racing = new DelegatingStore(kv) {
			@Override
			public RangeResult range(RangeQuery query) {
				RangeResult snapshot = super.range(query);
				snapshotRevision.set(snapshot.revision());
				writtenAt.set(advertiseByHand("cmd:sum", "node-c", "math").revision());
				return snapshot;
			}
		};
		PatternTable late = started(new PatternTable(racing, watches, () -> 0, "node-d", Duration.ofMillis(100)));

		assertThat(writtenAt.get()).isGreaterThan(snapshotRevision.get());
		await().atMost(EVENTUALLY).untilAsserted(() -> assertThat(late.route(subject("cmd:sum"))).hasValue(
				new PatternRoute(pattern("cmd:sum"), "math", List.of("node-c"))));
	}

	@Test
	void theTableIsLoadedAgainWhenItsWatchEnds() {
		var listener = new AtomicReference<WatchListener>();
		var watch = new AtomicReference<io.cleave.registry.Watch>();
		Watches recording = (request, l) -> {
			listener.set(l);
			watch.set(watches.watch(request, l));
			return watch.get();
		};
		PatternTable nodeB = started(new PatternTable(kv, recording, () -> 0, "node-b", Duration.ofMillis(100)));
		watch.get().cancel(); // from now on nodeB hears nothing, as if its history had been compacted away

		long revision = advertiseByHand("cmd:sum", "node-c", "math").revision();
		assertThat(nodeB.route(subject("cmd:sum"))).isEmpty();
		listener.get().onCanceled(new RegistryException(RegistryException.Reason.OUT_OF_RANGE,
				"etcdserver: mvcc: required revision has been compacted"), revision);

		await().atMost(EVENTUALLY).untilAsserted(() -> assertThat(nodeB.route(subject("cmd:sum"))).isPresent());
	}

	@Test
	void ignoresKeysThatAreNotAdvertisements() {
		kv.put(Put.of(PatternTable.PREFIX + "role:" + role + "/node-x", "not json"));
		kv.put(Put.of(PatternTable.PREFIX + "role:" + role + ",broken/node-x", "{\"queue\":\"q\"}"));
		advertiseByHand("cmd:sum", "node-c", "math");

		await().atMost(EVENTUALLY).untilAsserted(() -> assertThat(table.route(subject("cmd:sum"))).isPresent());
		assertThat(table.route(subject(""))).isEmpty();
	}

	private PutResult advertiseByHand(String pattern, String node, String queue) {
		return kv.put(Put.of(PatternTable.PREFIX + pattern(pattern) + "/" + node, "{\"queue\":\"" + queue + "\"}"));
	}

	private PatternTable node(String name, long lease) {
		return node(name, () -> lease);
	}

	private PatternTable node(String name, LongSupplier lease) {
		return new PatternTable(kv, watches, lease, name, Duration.ofMillis(100));
	}

	private PatternTable started(PatternTable table) {
		table.start();
		others.add(table);
		return table;
	}

	/** The pattern with this test's role added. */
	private Pattern pattern(String text) {
		return Pattern.parse(text.isEmpty() ? "role:" + role : text + ",role:" + role);
	}

	private Map<String, String> subject(String text) {
		return pattern(text).properties();
	}

	/** A store that does what another does; tests override a method to interfere. */
	private static class DelegatingStore implements KeyValueStore {

		private final KeyValueStore delegate;

		DelegatingStore(KeyValueStore delegate) {
			this.delegate = delegate;
		}

		@Override
		public RangeResult range(RangeQuery query) {
			return delegate.range(query);
		}

		@Override
		public PutResult put(Put put) {
			return delegate.put(put);
		}

		@Override
		public DeleteResult delete(Delete delete) {
			return delegate.delete(delete);
		}

		@Override
		public TxnResult txn(Txn txn) {
			return delegate.txn(txn);
		}

		@Override
		public long compact(long revision) {
			return delegate.compact(revision);
		}

		@Override
		public long revision() {
			return delegate.revision();
		}
	}
}
