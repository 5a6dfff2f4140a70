package io.cleave.registry;

import java.util.List;

/**
 * A lease's state, etcd's {@code LeaseTimeToLiveResponse}.
 *
 * @param id the lease's id
 * @param ttl the seconds that remain before it expires
 * @param grantedTtl the TTL it was granted (and each keep-alive renews) with
 * @param keys the keys attached to it, if they were asked for
 */
public record LeaseInfo(long id, long ttl, long grantedTtl, List<Bytes> keys) {

	public LeaseInfo {
		keys = List.copyOf(keys);
	}
}
