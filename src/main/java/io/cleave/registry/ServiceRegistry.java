package io.cleave.registry;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Service discovery on the registry's key-value store. Instances are keys attached to a lease, so an instance whose
 * owner stops keeping it alive — a crashed node — disappears within its TTL. Lookups are served from a local cache
 * fed by a watch, so they cost no I/O. Registrations, deregistrations and expiries seen by the watch are published
 * as {@link ServiceInstanceRegistered}, {@link ServiceInstanceDeregistered} and {@link ServiceInstanceExpired}.
 */
public interface ServiceRegistry {

	/** The live instances of {@code service}, ordered by id; empty if it has none. */
	List<ServiceInstance> instances(String service);

	/** The names of the services that have at least one live instance. */
	Set<String> services();

	/**
	 * Registers an instance under a lease of its own, which this node does not keep alive: the caller must (through
	 * {@link Leases#keepAlive}) or the instance expires after {@code ttl}. For services that are not Cleave nodes.
	 *
	 * @return the lease the instance is attached to
	 */
	Lease register(ServiceInstance instance, Duration ttl);

	/** Registers an instance under this node's lease, kept alive as long as the node runs. */
	void registerWithNode(ServiceInstance instance);

	/** Removes an instance; false if it was not registered. */
	boolean deregister(String service, String id);

	/**
	 * The id of this node's lease, for other registrations that must vanish with the node; 0 before the registry has
	 * started. A lease that was lost (a long pause) is replaced by a new one, so callers compare it with the lease
	 * they wrote under and write again when it changed.
	 */
	long nodeLease();
}
