package io.cleave.messaging.bus;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

import io.cleave.registry.ServiceInstance;
import io.cleave.registry.ServiceRegistry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands back the messages claimed by nodes that are gone. A node releases its own claims when it starts again under
 * the same name; one that never comes back would hold its claimed messages forever. So every node checks which nodes
 * hold claims, and releases the claims of one that has had no instance in the registry for a whole grace period (the
 * registry's instance TTL: a crashed node's registration lives that long, a starting node registers well within it).
 * Should the node only have been cut off and still be handling them, its messages are delivered twice — at least
 * once, as always; each queue's processed ids make the second delivery a no-op for the handler.
 */
final class AbandonedClaims {

	private static final Logger log = LoggerFactory.getLogger(AbandonedClaims.class);

	private final Outbox outbox;

	private final ServiceRegistry registry;

	private final Relay relay;

	private final String node;

	private final Duration grace;

	private final LongSupplier nanoTime;

	/** Claimants not in the registry, since when (nanoTime) they have been seen missing. */
	private final Map<String, Long> missingSince = new HashMap<>();

	AbandonedClaims(Outbox outbox, ServiceRegistry registry, Relay relay, String node, Duration grace,
			LongSupplier nanoTime) {
		this.outbox = outbox;
		this.registry = registry;
		this.relay = relay;
		this.node = node;
		this.grace = grace;
		this.nanoTime = nanoTime;
	}

	/**
	 * Looks at who holds claims; releases those of nodes missing from the registry for the whole grace period.
	 *
	 * @return how many messages were handed back
	 */
	synchronized int check() {
		Set<String> claimants = outbox.claimants();
		claimants.remove(node);
		missingSince.keySet().retainAll(claimants);
		if (claimants.isEmpty()) {
			return 0;
		}
		Set<String> live = registry.services()
			.stream()
			.flatMap(service -> registry.instances(service).stream())
			.map(ServiceInstance::id)
			.collect(Collectors.toSet());
		long now = nanoTime.getAsLong();
		int released = 0;
		for (String claimant : claimants) {
			if (live.contains(claimant)) {
				missingSince.remove(claimant);
				continue;
			}
			long since = missingSince.computeIfAbsent(claimant, c -> now);
			if (now - since >= grace.toNanos()) {
				int count = outbox.releaseClaims(claimant);
				missingSince.remove(claimant);
				released += count;
				log.warn("Node {} has been gone from the registry for {}; released the {} message(s) it had claimed, "
						+ "they are delivered again", claimant, grace, count);
			}
		}
		if (released > 0) {
			relay.wake();
		}
		return released;
	}
}
