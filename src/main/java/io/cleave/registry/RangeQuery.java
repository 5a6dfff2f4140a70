package io.cleave.registry;

/**
 * A read of a key or a range of keys, etcd's {@code RangeRequest}.
 *
 * @param range the keys to read
 * @param limit at most this many keys, 0 for no limit
 * @param revision read the store as it was at this revision; 0 for now
 * @param keysOnly leave values out
 * @param countOnly return only the number of keys
 * @param sortTarget what to order by
 * @param sortOrder in which direction; {@link SortOrder#NONE} is ascending by key
 * @param minModRevision leave out keys last modified before this revision (0: no bound)
 * @param maxModRevision leave out keys last modified after it (0: no bound)
 * @param minCreateRevision leave out keys created before this revision (0: no bound)
 * @param maxCreateRevision leave out keys created after it (0: no bound)
 */
public record RangeQuery(KeyRange range, long limit, long revision, boolean keysOnly, boolean countOnly,
		SortTarget sortTarget, SortOrder sortOrder, long minModRevision, long maxModRevision, long minCreateRevision,
		long maxCreateRevision) implements Op {

	public RangeQuery {
		requireNotNegative("limit", limit);
		requireNotNegative("revision", revision);
		requireNotNegative("min_mod_revision", minModRevision);
		requireNotNegative("max_mod_revision", maxModRevision);
		requireNotNegative("min_create_revision", minCreateRevision);
		requireNotNegative("max_create_revision", maxCreateRevision);
	}

	/** Reads the current value of the keys in {@code range}. */
	public static RangeQuery of(KeyRange range) {
		return new RangeQuery(range, 0, 0, false, false, SortTarget.KEY, SortOrder.NONE, 0, 0, 0, 0);
	}

	public RangeQuery withLimit(long newLimit) {
		return new RangeQuery(range, newLimit, revision, keysOnly, countOnly, sortTarget, sortOrder, minModRevision,
				maxModRevision, minCreateRevision, maxCreateRevision);
	}

	public RangeQuery atRevision(long newRevision) {
		return new RangeQuery(range, limit, newRevision, keysOnly, countOnly, sortTarget, sortOrder, minModRevision,
				maxModRevision, minCreateRevision, maxCreateRevision);
	}

	public RangeQuery withKeysOnly() {
		return new RangeQuery(range, limit, revision, true, countOnly, sortTarget, sortOrder, minModRevision,
				maxModRevision, minCreateRevision, maxCreateRevision);
	}

	public RangeQuery withCountOnly() {
		return new RangeQuery(range, limit, revision, keysOnly, true, sortTarget, sortOrder, minModRevision,
				maxModRevision, minCreateRevision, maxCreateRevision);
	}

	public RangeQuery sortedBy(SortTarget target, SortOrder order) {
		return new RangeQuery(range, limit, revision, keysOnly, countOnly, target, order, minModRevision,
				maxModRevision, minCreateRevision, maxCreateRevision);
	}

	static void requireNotNegative(String field, long value) {
		if (value < 0) {
			throw RegistryException.invalidArgument(field + " must not be negative, was " + value);
		}
	}

	/** What a range is ordered by. */
	public enum SortTarget {
		KEY, VERSION, CREATE, MOD, VALUE
	}

	/** The direction of the order; {@code NONE} is etcd's default, ascending by key. */
	public enum SortOrder {
		NONE, ASCEND, DESCEND
	}
}
