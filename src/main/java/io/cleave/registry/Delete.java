package io.cleave.registry;

/**
 * A delete of a key or a range of keys, etcd's {@code DeleteRangeRequest}.
 *
 * @param range the keys to delete
 * @param prevKv return the deleted keys with their values
 */
public record Delete(KeyRange range, boolean prevKv) implements Op {

	public static Delete of(KeyRange range) {
		return new Delete(range, false);
	}

	public Delete withPrevKv() {
		return new Delete(range, true);
	}
}
