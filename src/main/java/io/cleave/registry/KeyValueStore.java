package io.cleave.registry;

/**
 * The registry's revisioned key-value store, with etcd's semantics. Every write increments one store-wide revision;
 * every version of every key is kept until {@link #compact compaction}, so reads can look at a past revision and
 * watches can replay history.
 *
 * <p>Implemented by the embedded store and by the client of an external etcd cluster; failures are
 * {@link RegistryException}s.
 */
public interface KeyValueStore {

	RangeResult range(RangeQuery query);

	PutResult put(Put put);

	DeleteResult delete(Delete delete);

	/** Applies a transaction atomically: a failed compare applies the failure branch, an error applies nothing. */
	TxnResult txn(Txn txn);

	/**
	 * Discards the history before {@code revision}: reads and watches at older revisions fail as compacted
	 * afterwards. Returns the store's current revision.
	 */
	long compact(long revision);

	/** The store's current revision. */
	long revision();
}
