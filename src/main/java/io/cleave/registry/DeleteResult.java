package io.cleave.registry;

import java.util.List;

/**
 * The outcome of a {@link Delete}.
 *
 * @param revision the store's revision after the delete (unchanged if nothing was deleted)
 * @param deleted how many keys were deleted
 * @param prevKvs the deleted keys, if they were asked for
 */
public record DeleteResult(long revision, long deleted, List<KeyValue> prevKvs) implements OpResult {

	public DeleteResult {
		prevKvs = List.copyOf(prevKvs);
	}
}
