package io.cleave.registry.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.cleave.registry.Bytes;
import io.cleave.registry.KeyRange;
import io.cleave.registry.KeyValue;
import io.cleave.registry.Lease;
import io.cleave.registry.Put;
import io.cleave.registry.RangeQuery;
import io.cleave.registry.RegistryException;
import io.cleave.registry.ServiceInstance;
import io.cleave.registry.ServiceInstanceDeregistered;
import io.cleave.registry.ServiceInstanceExpired;
import io.cleave.registry.ServiceInstanceRegistered;
import io.cleave.registry.Watch;
import io.cleave.registry.WatchListener;
import io.cleave.registry.WatchRequest;
import io.cleave.registry.Watches;
import io.cleave.registry.jooq.StoreOnDatabase;
import io.cleave.registry.jooq.StoreOnDatabase.Database;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Discovery heals itself, on the embedded store and its watch hub. The store's failures are staged by
 * {@link FlakyWatches}, which ends the discovery's watch the way a failing store ends it and refuses new watches for
 * a while.
 */
@ExtendWith(OutputCaptureExtension.class)
class WatchedServiceRegistryTests {

	/** The node lease's TTL; it is kept alive every third of it. */
	private static final Duration NODE_TTL = Duration.ofSeconds(6);

	private static final Duration KEEP_ALIVE_INTERVAL = NODE_TTL.dividedBy(3);

	private static final Duration EVENTUALLY = Duration.ofSeconds(15);

	private StoreOnDatabase db;

	private WatchHub hub;

	private FlakyWatches watches;

	private WatchedServiceRegistry registry;

	private final List<Object> events = new CopyOnWriteArrayList<>();

	@BeforeEach
	void start() {
		db = new StoreOnDatabase(Database.H2);
		hub = new WatchHub(db.store, Duration.ofMillis(100), Duration.ofSeconds(1), 1000);
		hub.start();
		watches = new FlakyWatches(hub);
		registry = new WatchedServiceRegistry(db.store, db.leases, watches, NODE_TTL, events::add);
		registry.start();
	}

	@AfterEach
	void stop() {
		registry.stop();
		hub.stop();
		db.close();
	}

	@Test
	void aWatchEndedByAFailingStoreIsReestablishedWithBackoffAndTheGapIsPublished(CapturedOutput output) {
		registry.register(instance("a", 10), Duration.ofSeconds(30));
		await().atMost(EVENTUALLY).until(() -> registry.instances("billing").size() == 1);
		int attemptsBefore = watches.attempts.get();

		watches.refuseNext(3);
		watches.endCurrent(new RegistryException(RegistryException.Reason.UNAVAILABLE, "the database is gone"), 0);
		registry.register(instance("b", 10), Duration.ofSeconds(30));
		registry.deregister("billing", "a");

		await().atMost(EVENTUALLY).untilAsserted(() -> {
			assertThat(registry.instances("billing")).extracting(ServiceInstance::id).containsExactly("b");
			assertThat(about("a")).containsExactly("Registered", "Deregistered");
			assertThat(about("b")).containsExactly("Registered");
		});
		assertThat(watches.attempts.get() - attemptsBefore).as("three refused attempts, then one that held")
				.isEqualTo(4);
		assertThat(output).contains("The discovery watch ended (the database is gone)")
				.contains("Could not re-establish the discovery watch")
				.contains("following the registry again");
	}

	@Test
	void aReloadAfterACompactionPublishesWhatChangedMeanwhile() {
		registry.registerWithNode(instance("own", 10));
		Lease expiring = registry.register(instance("expiring", 10), Duration.ofSeconds(30));
		registry.register(instance("changed", 10), Duration.ofSeconds(30));
		registry.register(instance("removed", 10), Duration.ofSeconds(30));
		await().atMost(EVENTUALLY).until(() -> registry.instances("billing").size() == 4);
		events.clear();

		WatchListener discovery = watches.detachCurrent(); // hears nothing while the store changes
		registry.register(instance("new", 10), Duration.ofSeconds(30));
		registry.register(instance("changed", 20), Duration.ofSeconds(30));
		registry.deregister("billing", "own");
		db.leases.revoke(expiring.id());
		db.store.delete(io.cleave.registry.Delete.of(KeyRange.key(ServiceInstance.key("billing", "removed"))));
		long compacted = db.store.compact(db.store.revision());
		discovery.onCanceled(RegistryException.compacted(), compacted);

		await().atMost(EVENTUALLY).untilAsserted(() -> {
			assertThat(registry.instances("billing")).extracting(ServiceInstance::id, ServiceInstance::weight)
					.containsExactly(org.assertj.core.groups.Tuple.tuple("changed", 20),
							org.assertj.core.groups.Tuple.tuple("new", 10));
			assertThat(about("new")).containsExactly("Registered");
			assertThat(about("changed")).containsExactly("Registered");
			assertThat(about("own")).containsExactly("Deregistered");
			assertThat(about("removed")).containsExactly("Deregistered");
			assertThat(about("expiring")).containsExactly("Expired");
		});
		// and the reloaded catalog follows the store again
		registry.register(instance("later", 10), Duration.ofSeconds(30));
		await().atMost(EVENTUALLY).until(() -> about("later").equals(List.of("Registered")));
	}

	@Test
	void aNodesOwnRegistrationDeletedBySomeoneElseIsRestoredWithinOneKeepAliveInterval() {
		ServiceInstance own = instance("node-1", 10);
		registry.registerWithNode(own);
		KeyValue registered = await().atMost(EVENTUALLY).until(() -> stored(own), kv -> kv != null);
		await().atMost(EVENTUALLY).until(() -> registry.instances("billing").contains(own));

		db.store.delete(io.cleave.registry.Delete.of(KeyRange.key(own.key())));

		await().atMost(KEEP_ALIVE_INTERVAL).untilAsserted(() -> {
			KeyValue restored = stored(own);
			assertThat(restored).isNotNull();
			assertThat(restored.value()).isEqualTo(registered.value());
			assertThat(restored.lease()).isEqualTo(registered.lease());
		});
		await().atMost(EVENTUALLY).until(() -> registry.instances("billing").contains(own));
	}

	@Test
	void aNodesOwnRegistrationOverwrittenBySomeoneElseIsRestoredWithinOneKeepAliveInterval() {
		ServiceInstance own = instance("node-1", 10);
		registry.registerWithNode(own);
		KeyValue registered = await().atMost(EVENTUALLY).until(() -> stored(own), kv -> kv != null);
		await().atMost(EVENTUALLY).until(() -> registry.instances("billing").contains(own));

		// Someone writes another address, on no lease: it would outlive the node.
		db.store.put(Put.of(own.key(), Bytes.utf8("""
				{"service":"billing","id":"node-1","addresses":{"http":"http://10.9.9.9:1"},"weight":1,"metadata":{}}""")));

		await().atMost(KEEP_ALIVE_INTERVAL).untilAsserted(() -> {
			KeyValue restored = stored(own);
			assertThat(restored).isNotNull();
			assertThat(restored.value()).isEqualTo(registered.value());
			assertThat(restored.lease()).isEqualTo(registered.lease());
		});
	}

	private @Nullable KeyValue stored(ServiceInstance instance) {
		List<KeyValue> kvs = db.store.range(RangeQuery.of(KeyRange.key(instance.key()))).kvs();
		return kvs.isEmpty() ? null : kvs.getFirst();
	}

	private static ServiceInstance instance(String id, int weight) {
		return new ServiceInstance("billing", id, Map.of("http", URI.create("http://10.0.0.1:8080")), null, null,
				weight, Map.of());
	}

	private List<String> about(String id) {
		return events.stream()
				.filter(e -> switch (e) {
					case ServiceInstanceRegistered r -> r.instance().id().equals(id);
					case ServiceInstanceDeregistered d -> d.instance().id().equals(id);
					case ServiceInstanceExpired x -> x.instance().id().equals(id);
					default -> false;
				})
				.map(e -> e.getClass().getSimpleName().replace("ServiceInstance", ""))
				.toList();
	}

	/** The store's watches, ended and refused on demand the way a failing store ends and refuses them. */
	static final class FlakyWatches implements Watches {

		final AtomicInteger attempts = new AtomicInteger();

		private final Watches real;

		private final AtomicInteger refusals = new AtomicInteger();

		private volatile @Nullable Watch current;

		private volatile @Nullable WatchListener currentListener;

		FlakyWatches(Watches real) {
			this.real = real;
		}

		@Override
		public Watch watch(WatchRequest request, WatchListener listener) {
			attempts.incrementAndGet();
			if (refusals.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
				throw new RegistryException(RegistryException.Reason.UNAVAILABLE, "the database is still gone");
			}
			Watch watch = real.watch(request, listener);
			current = watch;
			currentListener = listener;
			return watch;
		}

		void refuseNext(int count) {
			refusals.set(count);
		}

		/** Ends the current watch as the hub does when the store fails under it. */
		void endCurrent(RegistryException reason, long compactRevision) {
			detachCurrent().onCanceled(reason, compactRevision);
		}

		/** Stops the current watch without telling its listener (yet); returns the listener. */
		WatchListener detachCurrent() {
			Watch watch = current;
			WatchListener listener = currentListener;
			assertThat(watch).isNotNull();
			watch.cancel();
			return listener;
		}
	}
}
