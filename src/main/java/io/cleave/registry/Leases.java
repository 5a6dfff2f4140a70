package io.cleave.registry;

import java.util.List;
import java.util.Optional;

/**
 * Leases, with etcd's semantics: a lease expires unless kept alive within its TTL, and the keys attached to it are
 * deleted — with watch events — when it expires or is revoked. A lease's deadline is stored, so one that ran out
 * while the store was down is expired when it comes back.
 */
public interface Leases {

	/** The longest TTL a lease may have, etcd's limit. */
	long MAX_TTL_SECONDS = 9_000_000_000L;

	/**
	 * Grants a lease.
	 *
	 * @param id the id to use, or 0 to let the store choose one
	 * @param ttlSeconds its time to live, at least 1 second
	 */
	Lease grant(long id, long ttlSeconds);

	default Lease grant(long ttlSeconds) {
		return grant(0, ttlSeconds);
	}

	/** Renews a lease for its full TTL; empty if it does not exist (any more). */
	Optional<Lease> keepAlive(long id);

	/** Revokes a lease and deletes its keys; a {@code NOT_FOUND} {@link RegistryException} if it does not exist. */
	void revoke(long id);

	/** A lease's remaining time and, if asked, its keys; empty if it does not exist. */
	Optional<LeaseInfo> timeToLive(long id, boolean withKeys);

	/** The ids of all live leases. */
	List<Long> list();

	static void requireValidTtl(long ttlSeconds) {
		if (ttlSeconds <= 0) {
			throw RegistryException.invalidArgument("lease TTL must be a positive number of seconds, was " + ttlSeconds);
		}
		if (ttlSeconds > MAX_TTL_SECONDS) {
			throw new RegistryException(RegistryException.Reason.OUT_OF_RANGE, "etcdserver: too large lease TTL");
		}
	}
}
