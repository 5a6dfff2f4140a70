package io.cleave.registry;

import java.util.List;

/**
 * An atomic transaction, etcd's {@code TxnRequest}: if every compare holds, the {@code success} operations are
 * applied, else the {@code failure} operations, all at one revision. Either list may hold nested transactions.
 *
 * @param compares the conditions, all of which must hold
 * @param success applied when they do
 * @param failure applied when one does not
 */
public record Txn(List<Compare> compares, List<Op> success, List<Op> failure) implements Op {

	public Txn {
		compares = List.copyOf(compares);
		success = List.copyOf(success);
		failure = List.copyOf(failure);
	}
}
