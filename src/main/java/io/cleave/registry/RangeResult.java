package io.cleave.registry;

import java.util.List;

/**
 * The keys a {@link RangeQuery} found.
 *
 * @param revision the store's revision when the read was served
 * @param kvs the keys, in the requested order, at most {@code limit} of them; empty for a count-only read
 * @param more whether the limit left keys out
 * @param count how many keys are in the range, regardless of the limit
 */
public record RangeResult(long revision, List<KeyValue> kvs, boolean more, long count) implements OpResult {

	public RangeResult {
		kvs = List.copyOf(kvs);
	}
}
