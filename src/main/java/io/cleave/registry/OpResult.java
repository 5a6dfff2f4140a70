package io.cleave.registry;

/** The result of one {@link Op}, of the matching kind. */
public sealed interface OpResult permits RangeResult, PutResult, DeleteResult, TxnResult {

	/** The store's revision after the operation (the header revision of an etcd response). */
	long revision();
}
