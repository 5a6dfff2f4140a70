package io.cleave.registry;

import java.util.List;

/**
 * The outcome of a {@link Txn}.
 *
 * @param revision the store's revision after the transaction
 * @param succeeded whether every compare held (and so the success branch ran)
 * @param results one result per operation of the branch that ran, in order
 */
public record TxnResult(long revision, boolean succeeded, List<OpResult> results) implements OpResult {

	public TxnResult {
		results = List.copyOf(results);
	}
}
