package io.cleave.registry.internal;

import io.cleave.registry.Delete;
import io.cleave.registry.DeleteResult;
import io.cleave.registry.KeyValueStore;
import io.cleave.registry.Put;
import io.cleave.registry.PutResult;
import io.cleave.registry.RangeQuery;
import io.cleave.registry.RangeResult;
import io.cleave.registry.Txn;
import io.cleave.registry.TxnResult;

/**
 * The embedded store as modules, the etcd API and REST see it: every request is checked against the
 * {@link RequestLimits} before it reaches the store, so one that is too large changes nothing.
 */
public final class LimitedKeyValueStore implements KeyValueStore {

	private final KeyValueStore store;

	private final RequestLimits limits;

	public LimitedKeyValueStore(KeyValueStore store, RequestLimits limits) {
		this.store = store;
		this.limits = limits;
	}

	@Override
	public RangeResult range(RangeQuery query) {
		limits.check(query);
		return store.range(query);
	}

	@Override
	public PutResult put(Put put) {
		limits.check(put);
		return store.put(put);
	}

	@Override
	public DeleteResult delete(Delete delete) {
		limits.check(delete);
		return store.delete(delete);
	}

	@Override
	public TxnResult txn(Txn txn) {
		limits.check(txn);
		return store.txn(txn);
	}

	@Override
	public long compact(long revision) {
		return store.compact(revision);
	}

	@Override
	public long revision() {
		return store.revision();
	}
}
