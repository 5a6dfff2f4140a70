package io.cleave.registry.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.cleave.registry.Bytes;
import io.cleave.registry.Compare;
import io.cleave.registry.Delete;
import io.cleave.registry.DeleteResult;
import io.cleave.registry.KeyRange;
import io.cleave.registry.KeyValue;
import io.cleave.registry.KeyValueStore;
import io.cleave.registry.Lease;
import io.cleave.registry.Leases;
import io.cleave.registry.PrefixFollower;
import io.cleave.registry.Put;
import io.cleave.registry.RegistryException;
import io.cleave.registry.ServiceInstance;
import io.cleave.registry.ServiceInstanceDeregistered;
import io.cleave.registry.ServiceInstanceExpired;
import io.cleave.registry.ServiceInstanceRegistered;
import io.cleave.registry.ServiceRegistry;
import io.cleave.registry.Txn;
import io.cleave.registry.TxnResult;
import io.cleave.registry.WatchEvent;
import io.cleave.registry.Watches;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Service discovery over any registry backend. A watch on the services prefix keeps an in-memory copy of every
 * instance, so lookups do no I/O. This node's own instances hang off one node lease, kept alive at a third of its
 * TTL and re-granted (with the instances re-registered) if it was lost, for example after a long pause; one that
 * someone else deleted or overwrote is written again at the next keep-alive.
 *
 * <p>The catalog follows the registry through a {@link PrefixFollower}, so the watch heals itself: one that ended
 * because the store failed is opened again, with backoff, from the last revision seen, so every change of the gap is
 * published; one that fell behind a compaction reloads the catalog and publishes the difference.
 *
 * <p>A deliberate deregistration deletes the instance and, in the same transaction, writes a marker under
 * {@value #DEREGISTERED}; a delete without that marker was a lease running out. Both prefixes share the watched
 * prefix {@code /cleave/services}, so every watcher sees the pair in one revision.
 */
public final class WatchedServiceRegistry implements ServiceRegistry, SmartLifecycle {

	/** Marks a deliberate deregistration; written and removed again right after. */
	static final String DEREGISTERED = "/cleave/services-deregistered/";

	private static final KeyRange WATCHED = KeyRange.prefix("/cleave/services");

	private static final Logger log = LoggerFactory.getLogger(WatchedServiceRegistry.class);

	private final KeyValueStore kv;

	private final Leases leases;

	private final Watches watches;

	private final Duration nodeTtl;

	private final Consumer<Object> events;

	private final ServiceInstanceCodec codec = new ServiceInstanceCodec();

	/** This node's own instances; changed, and written back, only while holding its monitor. */
	private final Map<Bytes, ServiceInstance> own = new ConcurrentHashMap<>();

	/** The revision at which each own instance was last written by this node. */
	private final Map<Bytes, Long> ownWrittenAt = new ConcurrentHashMap<>();

	/** Immutable snapshot: service → id → instance. Replaced, never changed, so readers need no lock. */
	private volatile Map<String, Map<String, ServiceInstance>> catalog = Map.of();

	/** The lease each catalogued instance's key is attached to (0 for none). */
	private final Map<Bytes, Long> leaseOf = new ConcurrentHashMap<>();

	/** The catalog holds every change up to this revision. */
	private volatile long seenRevision;

	/** When this node last wrote back one of its instances that someone else had changed. */
	private volatile long lastRestoreNanos = System.nanoTime() - Duration.ofDays(1).toNanos();

	private volatile long nodeLease;

	private volatile @Nullable PrefixFollower follower;

	private @Nullable ScheduledExecutorService scheduler;

	private volatile boolean running;

	/**
	 * @param nodeTtl the TTL of this node's lease: how long its instances outlive a crash
	 * @param events where discovery events are published
	 */
	public WatchedServiceRegistry(KeyValueStore kv, Leases leases, Watches watches, Duration nodeTtl,
			Consumer<Object> events) {
		this.kv = kv;
		this.leases = leases;
		this.watches = watches;
		this.nodeTtl = nodeTtl;
		this.events = events;
	}

	@Override
	public List<ServiceInstance> instances(String service) {
		Map<String, ServiceInstance> instances = catalog.get(service);
		return instances == null ? List.of() : List.copyOf(instances.values());
	}

	@Override
	public Set<String> services() {
		return catalog.keySet();
	}

	/** How many instances the catalog holds, over all services. */
	public int instanceCount() {
		return catalog.values().stream().mapToInt(Map::size).sum();
	}

	@Override
	public Lease register(ServiceInstance instance, Duration ttl) {
		Lease lease = leases.grant(Math.max(1, ttl.toSeconds()));
		try {
			write(instance, lease.id());
		}
		catch (RuntimeException ex) {
			leases.revoke(lease.id());
			throw ex;
		}
		return lease;
	}

	@Override
	public void registerWithNode(ServiceInstance instance) {
		synchronized (own) {
			own.put(instance.key(), instance);
			writeOwn(instance);
		}
	}

	@Override
	public boolean deregister(String service, String id) {
		Bytes key = ServiceInstance.key(service, id);
		Bytes marker = Bytes.utf8(DEREGISTERED + service + "/" + id);
		TxnResult result;
		synchronized (own) { // not restored by a keep-alive between forgetting it and deleting it
			own.remove(key);
			ownWrittenAt.remove(key);
			result = kv.txn(new Txn(
					List.of(Compare.version(KeyRange.key(key), Compare.Result.GREATER, 0)),
					List.of(new Delete(KeyRange.key(key), true), Put.of(marker, Bytes.utf8("deregistered"))),
					List.of()));
		}
		if (!result.succeeded()) {
			return false;
		}
		kv.delete(Delete.of(KeyRange.key(marker)));
		var deleted = (DeleteResult) result.results().getFirst();
		long lease = deleted.prevKvs().isEmpty() ? 0 : deleted.prevKvs().getFirst().lease();
		if (lease != 0 && lease != nodeLease) {
			revokeQuietly(lease); // a lease of its own, granted by register(instance, ttl)
		}
		return true;
	}

	@Override
	public long nodeLease() {
		return running ? nodeLease : 0;
	}

	private long write(ServiceInstance instance, long lease) {
		// Re-registering clears a deregistration marker a watcher might otherwise pair with a later delete.
		return kv.txn(new Txn(List.of(), List.of(Put.of(instance.key(), codec.encode(instance)).withLease(lease),
				Delete.of(KeyRange.key(Bytes.utf8(DEREGISTERED + instance.service() + "/" + instance.id())))),
				List.of())).revision();
	}

	/** Writes one of this node's instances on the node lease; called holding {@code own}'s monitor. */
	private void writeOwn(ServiceInstance instance) {
		ownWrittenAt.put(instance.key(), write(instance, nodeLease));
	}

	/**
	 * Writes back this node's instances that someone else deleted or overwrote (another value, or another lease), as
	 * far as the catalog has seen this node's last write of them.
	 */
	private void restoreOwn() {
		synchronized (own) {
			for (ServiceInstance instance : own.values()) {
				Long writtenAt = ownWrittenAt.get(instance.key());
				if (writtenAt == null || seenRevision < writtenAt) {
					continue; // the catalog has not caught up with this node's own write yet
				}
				Map<String, ServiceInstance> instances = catalog.get(instance.service());
				ServiceInstance seen = instances == null ? null : instances.get(instance.id());
				Long lease = leaseOf.get(instance.key());
				if (!instance.equals(seen) || lease == null || lease != nodeLease) {
					log.warn("This node's registration {}/{} was {} by someone else; restoring it", instance.service(),
							instance.id(), seen == null ? "deleted" : "overwritten");
					lastRestoreNanos = System.nanoTime();
					writeOwn(instance);
				}
			}
		}
	}

	// Lifecycle

	@Override
	public void start() {
		nodeLease = leases.grant(Math.max(1, nodeTtl.toSeconds())).id();
		scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
				.name("registry-discovery").factory());
		running = true;
		follower = PrefixFollower.follow(kv, watches, WATCHED, new CatalogListener(), "discovery");
		long period = keepAlivePeriod().toMillis();
		scheduler.scheduleWithFixedDelay(this::keepNodeAlive, period, period, TimeUnit.MILLISECONDS);
	}

	/** How often the node lease is kept alive: a third of its TTL. */
	private Duration keepAlivePeriod() {
		return Duration.ofMillis(Math.max(100, nodeTtl.toMillis() / 3));
	}

	@Override
	public void stop() {
		running = false;
		for (ServiceInstance instance : List.copyOf(own.values())) {
			try {
				deregister(instance.service(), instance.id());
			}
			catch (RuntimeException ex) {
				log.warn("Could not deregister {}/{} on shutdown; it expires with the node's lease",
						instance.service(), instance.id(), ex);
			}
		}
		revokeQuietly(nodeLease);
		PrefixFollower f = follower;
		if (f != null) {
			f.close();
		}
		if (scheduler != null) {
			scheduler.shutdownNow();
		}
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	/** After the store and its watch hub start; stopped — deregistering this node — before the web server drains. */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 500;
	}

	/**
	 * Takes a snapshot of every instance. On a reload (the watch fell behind a compaction), publishes what differs
	 * from the catalog held so far: the changes the watch missed. A removed instance counts as deregistered if its
	 * lease still lives (or it had none), as expired if its lease is gone.
	 */
	private void replaceCatalog(long revision, List<KeyValue> kvs, boolean publish) {
		Map<String, Map<String, ServiceInstance>> loaded = new HashMap<>();
		Map<Bytes, Long> leases = new HashMap<>();
		for (KeyValue stored : kvs) {
			if (!stored.key().toStringUtf8().startsWith(ServiceInstance.PREFIX)) {
				continue; // a deregistration marker, about to be removed
			}
			codec.decode(stored).ifPresent(i -> {
				loaded.computeIfAbsent(i.service(), s -> new TreeMap<>()).put(i.id(), i);
				leases.put(stored.key(), stored.lease());
			});
		}
		List<Object> published = new ArrayList<>();
		if (publish) {
			Map<String, Map<String, ServiceInstance>> before = catalog;
			loaded.values().forEach(instances -> instances.values().forEach(instance -> {
				Map<String, ServiceInstance> known = before.get(instance.service());
				if (known == null || !instance.equals(known.get(instance.id()))) {
					published.add(new ServiceInstanceRegistered(instance));
				}
			}));
			before.values().forEach(instances -> instances.values().forEach(instance -> {
				Map<String, ServiceInstance> now = loaded.get(instance.service());
				if (now == null || !now.containsKey(instance.id())) {
					long lease = leaseOf.getOrDefault(instance.key(), 0L);
					boolean leaseLives = lease == 0 || this.leases.timeToLive(lease, false).isPresent();
					published.add(leaseLives ? new ServiceInstanceDeregistered(instance)
							: new ServiceInstanceExpired(instance));
				}
			}));
		}
		catalog = freeze(loaded);
		leaseOf.clear();
		leaseOf.putAll(leases);
		seenRevision = revision;
		published.forEach(events);
	}

	private void keepNodeAlive() {
		try {
			if (leases.keepAlive(nodeLease).isEmpty()) {
				synchronized (own) {
					log.warn("This node's registry lease {} was lost; registering its {} instance(s) again",
							Long.toHexString(nodeLease), own.size());
					nodeLease = leases.grant(Math.max(1, nodeTtl.toSeconds())).id();
					own.values().forEach(this::writeOwn);
				}
			}
			else {
				restoreOwn();
			}
		}
		catch (RuntimeException ex) {
			log.warn("Could not keep this node's registry lease alive; retrying", ex);
		}
	}

	private void revokeQuietly(long lease) {
		try {
			leases.revoke(lease);
		}
		catch (RegistryException ex) {
			log.debug("Lease {} was already gone", Long.toHexString(lease));
		}
	}

	private static Map<String, Map<String, ServiceInstance>> freeze(Map<String, Map<String, ServiceInstance>> mutable) {
		Map<String, Map<String, ServiceInstance>> frozen = new TreeMap<>();
		mutable.forEach((service, instances) -> {
			if (!instances.isEmpty()) {
				frozen.put(service, Collections.unmodifiableMap(new TreeMap<>(instances)));
			}
		});
		return Collections.unmodifiableMap(frozen);
	}

	/** Applies snapshots and watched changes to the catalog and publishes what they mean. */
	private final class CatalogListener implements PrefixFollower.Listener {

		@Override
		public void onSnapshot(long revision, List<KeyValue> kvs, boolean reload) {
			replaceCatalog(revision, kvs, reload);
		}

		@Override
		public void onEvents(long revision, List<WatchEvent> batch) {
			Set<Bytes> deregisteredHere = new HashSet<>();
			for (WatchEvent event : batch) {
				String key = event.kv().key().toStringUtf8();
				if (event.type() == WatchEvent.Type.PUT && key.startsWith(DEREGISTERED)) {
					deregisteredHere.add(Bytes.utf8(ServiceInstance.PREFIX + key.substring(DEREGISTERED.length())));
				}
			}
			Map<String, Map<String, ServiceInstance>> next = new HashMap<>();
			catalog.forEach((service, instances) -> next.put(service, new TreeMap<>(instances)));
			List<Object> published = new ArrayList<>();
			boolean ownChanged = false;
			for (WatchEvent event : batch) {
				if (!event.kv().key().toStringUtf8().startsWith(ServiceInstance.PREFIX)) {
					continue;
				}
				ownChanged |= own.containsKey(event.kv().key());
				if (event.type() == WatchEvent.Type.PUT) {
					codec.decode(event.kv()).ifPresentOrElse(instance -> {
						next.computeIfAbsent(instance.service(), s -> new TreeMap<>()).put(instance.id(), instance);
						leaseOf.put(event.kv().key(), event.kv().lease());
						published.add(new ServiceInstanceRegistered(instance));
					}, () -> removed(next, event.kv().key()).ifPresent(instance -> { // garbage hides what it overwrote
						leaseOf.remove(event.kv().key());
						published.add(new ServiceInstanceDeregistered(instance));
					}));
				}
				else {
					leaseOf.remove(event.kv().key());
					removed(next, event.kv().key()).ifPresent(instance -> published.add(
							deregisteredHere.contains(event.kv().key()) ? new ServiceInstanceDeregistered(instance)
									: new ServiceInstanceExpired(instance)));
				}
			}
			catalog = freeze(next);
			if (!batch.isEmpty()) {
				seenRevision = Math.max(seenRevision, batch.getLast().kv().modRevision());
			}
			published.forEach(events);
			ScheduledExecutorService s = scheduler;
			if (ownChanged && s != null && running
					&& System.nanoTime() - lastRestoreNanos >= keepAlivePeriod().toNanos()) {
				// At once rather than at the next keep-alive — but no more often than keep-alives, so two nodes that
				// claim the same instance (a misconfiguration) do not overwrite each other in a tight loop.
				s.execute(WatchedServiceRegistry.this::restoreOwn);
			}
		}

		/** Removes the instance stored under {@code key} ({@code /cleave/services/<service>/<id>}), if known. */
		private Optional<ServiceInstance> removed(Map<String, Map<String, ServiceInstance>> next, Bytes key) {
			String[] serviceAndId = key.toStringUtf8().substring(ServiceInstance.PREFIX.length()).split("/", 2);
			Map<String, ServiceInstance> instances = next.get(serviceAndId[0]);
			return serviceAndId.length < 2 || instances == null ? Optional.empty()
					: Optional.ofNullable(instances.remove(serviceAndId[1]));
		}
	}
}
