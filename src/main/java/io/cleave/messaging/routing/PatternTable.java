package io.cleave.messaging.routing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import io.cleave.messaging.Pattern;
import io.cleave.messaging.PatternRouter;
import io.cleave.registry.Bytes;
import io.cleave.registry.Delete;
import io.cleave.registry.KeyRange;
import io.cleave.registry.KeyValue;
import io.cleave.registry.KeyValueStore;
import io.cleave.registry.PrefixFollower;
import io.cleave.registry.Put;
import io.cleave.registry.WatchEvent;
import io.cleave.registry.Watches;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The pattern table of the whole deployment, as this node sees it. Each node advertises the patterns it serves under
 * {@code /cleave/patterns/<pattern>/<node>} (value {@code {"queue":"…"}}) attached to its lease, so a crashed node's
 * patterns vanish with its lease. Every node caches the table in a {@link PatternRouter}, kept current by a
 * {@link PrefixFollower} (snapshot, then watch; resumed or reloaded, with backoff, when the watch ends). Lookups
 * read the cache only, without locks or I/O.
 *
 * <p>This node's own patterns are written again under its new lease if the registry had to replace the node's lease.
 */
public final class PatternTable implements SmartLifecycle {

	/** Where patterns are advertised. */
	public static final String PREFIX = "/cleave/patterns/";

	private static final Logger log = LoggerFactory.getLogger(PatternTable.class);

	private final KeyValueStore kv;

	private final Watches watches;

	private final LongSupplier nodeLease;

	private final String node;

	private final Duration leaseCheck;

	private final JsonMapper json = JsonMapper.builder()
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.build();

	/** What this node advertises: pattern → queue. */
	private final Map<Pattern, String> own = new ConcurrentHashMap<>();

	/** Serialises writes of this node's patterns, so none is written under a lease being replaced. */
	private final Object advertising = new Object();

	private final Object cacheLock = new Object();

	/** Everything advertised, pattern → node → queue; guarded by {@link #cacheLock}. */
	private Map<Pattern, Map<String, String>> advertised = new HashMap<>();

	/** Replaced as a whole on reload, changed in place by watch events; read without locks. */
	private volatile PatternRouter<PatternRoute> routes = PatternRouter.create();

	/** The lease this node's own patterns were last written under. */
	private volatile long writtenLease;

	private volatile @Nullable PrefixFollower follower;

	private @Nullable ScheduledExecutorService scheduler;

	private volatile boolean running;

	/**
	 * @param nodeLease this node's lease, 0 while there is none yet
	 * @param node this node's name
	 * @param leaseCheck how often to check whether the node's lease was replaced
	 */
	public PatternTable(KeyValueStore kv, Watches watches, LongSupplier nodeLease, String node, Duration leaseCheck) {
		this.kv = kv;
		this.watches = watches;
		this.nodeLease = nodeLease;
		this.node = node;
		this.leaseCheck = leaseCheck;
	}

	/**
	 * Advertises that this node serves {@code pattern} on {@code queue}, replacing the queue it advertised for the
	 * same pattern. Before {@link #start()} it is remembered and written at start.
	 */
	public void advertise(Pattern pattern, String queue) {
		if (queue.isBlank()) {
			throw new IllegalArgumentException("The queue serving %s must have a name".formatted(pattern));
		}
		synchronized (advertising) {
			own.put(pattern, queue);
			long lease = writtenLease;
			if (running && lease != 0) {
				write(pattern, queue, lease);
			}
		}
	}

	/** Stops advertising {@code pattern} from this node; other nodes may still serve it. */
	public void withdraw(Pattern pattern) {
		synchronized (advertising) {
			if (own.remove(pattern) != null && running) {
				kv.delete(Delete.of(KeyRange.key(key(pattern, node))));
			}
		}
	}

	/**
	 * The most specific pattern served anywhere that matches {@code subject} (Seneca's rules, see
	 * {@link PatternRouter}), with its queue and the nodes serving it.
	 */
	public Optional<PatternRoute> route(Map<String, String> subject) {
		return Optional.ofNullable(routes.find(subject));
	}

	/** Every route known, in the router's order. */
	public List<PatternRoute> routes() {
		return routes.list().stream().map(PatternRouter.Entry::data).toList();
	}

	/** The patterns this node advertises, with their queues. */
	public Map<Pattern, String> advertisedHere() {
		return Map.copyOf(own);
	}

	// Lifecycle

	@Override
	public void start() {
		scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("pattern-table").factory());
		running = true;
		follower = PrefixFollower.follow(kv, watches, KeyRange.prefix(PREFIX), new CacheListener(), "pattern-table");
		rewriteIfLeaseChanged();
		long period = Math.max(50, leaseCheck.toMillis());
		scheduler.scheduleWithFixedDelay(this::rewriteIfLeaseChanged, period, period, TimeUnit.MILLISECONDS);
	}

	@Override
	public void stop() {
		running = false;
		for (Pattern pattern : List.copyOf(own.keySet())) {
			try {
				kv.delete(Delete.of(KeyRange.key(key(pattern, node))));
			}
			catch (RuntimeException ex) {
				log.warn("Could not withdraw pattern {} on shutdown; it expires with the node's lease", pattern, ex);
			}
		}
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

	/** After discovery, which grants the node's lease; stopped — withdrawing this node's patterns — before it. */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 400;
	}

	// Advertising

	private void rewriteIfLeaseChanged() {
		long lease = nodeLease.getAsLong();
		if (lease == 0 || lease == writtenLease) {
			return;
		}
		synchronized (advertising) {
			try {
				own.forEach((pattern, queue) -> write(pattern, queue, lease));
				if (writtenLease != 0) {
					log.info("This node's lease changed; advertised its {} pattern(s) again", own.size());
				}
				writtenLease = lease;
			}
			catch (RuntimeException ex) {
				log.warn("Could not advertise this node's patterns under lease {}; retrying", Long.toHexString(lease),
						ex);
			}
		}
	}

	private void write(Pattern pattern, String queue, long lease) {
		kv.put(Put.of(key(pattern, node), Bytes.wrap(json.writeValueAsBytes(new Advertisement(queue)))).withLease(lease));
	}

	private static Bytes key(Pattern pattern, String node) {
		return Bytes.utf8(PREFIX + pattern + "/" + node);
	}

	// Following the registry

	/** Swaps in the whole table, as a snapshot has it. */
	private void replace(List<KeyValue> kvs) {
		Map<Pattern, Map<String, String>> loaded = new HashMap<>();
		for (KeyValue stored : kvs) {
			Advert advert = decode(stored.key(), stored.value());
			if (advert != null) {
				loaded.computeIfAbsent(advert.pattern(), p -> new TreeMap<>()).put(advert.node(), advert.queue());
			}
		}
		PatternRouter<PatternRoute> router = PatternRouter.create();
		loaded.forEach((pattern, servers) -> router.add(pattern, route(pattern, servers)));
		synchronized (cacheLock) {
			advertised = loaded;
			routes = router;
		}
	}

	private void apply(List<WatchEvent> events) {
		synchronized (cacheLock) {
			Set<Pattern> touched = new LinkedHashSet<>();
			for (WatchEvent event : events) {
				Advert advert = decode(event.kv().key(), event.type() == WatchEvent.Type.PUT ? event.kv().value() : null);
				if (advert == null) {
					continue;
				}
				touched.add(advert.pattern());
				Map<String, String> servers = advertised.computeIfAbsent(advert.pattern(), p -> new TreeMap<>());
				if (event.type() == WatchEvent.Type.PUT) {
					servers.put(advert.node(), advert.queue());
				}
				else {
					servers.remove(advert.node());
				}
			}
			for (Pattern pattern : touched) {
				Map<String, String> servers = advertised.get(pattern);
				if (servers == null || servers.isEmpty()) {
					advertised.remove(pattern);
					routes.remove(pattern);
				}
				else {
					routes.add(pattern, route(pattern, servers));
				}
			}
		}
	}

	/**
	 * The route of a pattern from its servers (node → queue). Nodes of one deployment advertise the same queue for a
	 * pattern; should they disagree (say, during an upgrade that renamed it), the queue most nodes use wins.
	 */
	private static PatternRoute route(Pattern pattern, Map<String, String> servers) {
		Map<String, List<String>> byQueue = servers.entrySet()
			.stream()
			.collect(Collectors.groupingBy(Map.Entry::getValue, TreeMap::new,
					Collectors.mapping(Map.Entry::getKey, Collectors.toList())));
		Map.Entry<String, List<String>> chosen = byQueue.entrySet()
			.stream()
			.max(Comparator.<Map.Entry<String, List<String>>>comparingInt(e -> e.getValue().size())
				.thenComparing(Map.Entry::getKey, Comparator.reverseOrder()))
			.orElseThrow();
		if (byQueue.size() > 1) {
			log.warn("Nodes advertise pattern {} on different queues {}; routing to {}", pattern, byQueue,
					chosen.getKey());
		}
		return new PatternRoute(pattern, chosen.getKey(), new ArrayList<>(chosen.getValue()));
	}

	/**
	 * Reads {@code /cleave/patterns/<pattern>/<node>}; the value is left out for a delete. A key or value that is not
	 * a valid advertisement (written by hand, say) is skipped with a warning, never fatal.
	 */
	private @Nullable Advert decode(Bytes key, @Nullable Bytes value) {
		String text = key.toStringUtf8();
		int slash = text.lastIndexOf('/');
		try {
			if (slash < PREFIX.length()) {
				throw new IllegalArgumentException("no node name after the pattern");
			}
			Pattern pattern = Pattern.parse(text.substring(PREFIX.length(), slash));
			String node = text.substring(slash + 1);
			String queue = value == null ? "" : json.readValue(value.unsafeArray(), Advertisement.class).queue();
			if (value != null && (queue == null || queue.isBlank())) {
				throw new IllegalArgumentException("no queue");
			}
			return new Advert(pattern, node, queue);
		}
		catch (RuntimeException ex) { // IllegalArgumentException or Jackson's
			log.warn("Ignoring {}: not a pattern advertisement ({})", text, ex.getMessage());
			return null;
		}
	}

	/** The stored value. */
	record Advertisement(String queue) {
	}

	private record Advert(Pattern pattern, String node, String queue) {
	}

	/** Applies snapshots and watched changes to the cache. */
	private final class CacheListener implements PrefixFollower.Listener {

		@Override
		public void onSnapshot(long revision, List<KeyValue> kvs, boolean reload) {
			replace(kvs);
		}

		@Override
		public void onEvents(long revision, List<WatchEvent> events) {
			apply(events);
		}
	}
}
