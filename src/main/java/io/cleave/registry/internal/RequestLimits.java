package io.cleave.registry.internal;

import java.util.List;

import io.cleave.registry.Compare;
import io.cleave.registry.Delete;
import io.cleave.registry.KeyRange;
import io.cleave.registry.Op;
import io.cleave.registry.Put;
import io.cleave.registry.RangeQuery;
import io.cleave.registry.RegistryException;
import io.cleave.registry.RegistryProperties;
import io.cleave.registry.Txn;

/**
 * The embedded store's limits on one request ({@code cleave.registry.limits.*}), checked at every entrance before
 * anything is written: the Java API through {@link LimitedKeyValueStore}, the etcd API and REST on what they receive.
 */
public final class RequestLimits {

	private final long requestBytes;

	private final long keyBytes;

	private final long valueBytes;

	private final int txnOps;

	private final long watchResponseBytes;

	public RequestLimits(RegistryProperties.Limits limits) {
		this.requestBytes = limits.requestSize().toBytes();
		this.keyBytes = limits.keySize().toBytes();
		this.valueBytes = limits.valueSize().toBytes();
		this.txnOps = limits.txnOps();
		this.watchResponseBytes = limits.watchResponseSize().toBytes();
	}

	/** The largest request, in bytes. */
	public long requestBytes() {
		return requestBytes;
	}

	/** Watch responses are split above this many bytes. */
	public long watchResponseBytes() {
		return watchResponseBytes;
	}

	/** Fails with etcd's "request is too large" if an encoded request of {@code size} bytes exceeds the limit. */
	public void checkRequestSize(long size) {
		if (size > requestBytes) {
			throw RegistryException.TooLarge.request(size, requestBytes);
		}
	}

	public void check(Put put) {
		checkRequestSize(checkPut(put));
	}

	public void check(Delete delete) {
		checkRequestSize(size(delete.range()));
	}

	public void check(RangeQuery query) {
		checkRequestSize(size(query.range()));
	}

	public void check(Txn txn) {
		checkRequestSize(checkTxn(txn));
	}

	/** Checks a put's key and value and returns its size. */
	private long checkPut(Put put) {
		if (put.key().size() > keyBytes) {
			throw RegistryException.TooLarge.key(put.key().size(), keyBytes);
		}
		if (put.value().size() > valueBytes) {
			throw RegistryException.TooLarge.value(put.value().size(), valueBytes);
		}
		return (long) put.key().size() + put.value().size();
	}

	/** etcd's check: at most {@code txnOps} compares, and as many operations per branch, nested ones included. */
	private long checkTxn(Txn txn) {
		if (txn.compares().size() > txnOps || txn.success().size() > txnOps || txn.failure().size() > txnOps) {
			throw RegistryException.tooManyOps();
		}
		long size = 0;
		for (Compare compare : txn.compares()) {
			size += size(compare.range()) + compare.value().size();
		}
		return size + checkOps(txn.success()) + checkOps(txn.failure());
	}

	private long checkOps(List<Op> ops) {
		long size = 0;
		for (Op op : ops) {
			size += switch (op) {
				case Put put -> checkPut(put);
				case Delete delete -> size(delete.range());
				case RangeQuery query -> size(query.range());
				case Txn nested -> checkTxn(nested);
			};
		}
		return size;
	}

	private static long size(KeyRange range) {
		return (long) range.key().size() + range.end().size();
	}
}
