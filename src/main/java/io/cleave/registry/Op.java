package io.cleave.registry;

/** One operation of a transaction: a read, a write, a delete or a nested transaction. */
public sealed interface Op permits RangeQuery, Put, Delete, Txn {
}
