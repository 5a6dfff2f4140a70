package io.cleave.registry.internal;

import java.util.concurrent.CompletableFuture;

import io.cleave.registry.Delete;
import io.cleave.registry.DeleteResult;
import io.cleave.registry.Put;
import io.cleave.registry.PutResult;
import io.cleave.registry.Txn;
import io.cleave.registry.TxnResult;

/**
 * The embedded store's writes for callers that must not block a thread on them (the etcd API's calls): each is
 * queued for the group commit and its result completes once the commit holding it is durable, or fails if that
 * commit failed. Requests are not checked against the {@link RequestLimits} here; a request the store rejects
 * outright (a transaction putting one key twice) may fail before it is queued, by throwing.
 */
public interface AsyncWrites {

	CompletableFuture<PutResult> putAsync(Put put);

	CompletableFuture<DeleteResult> deleteAsync(Delete delete);

	CompletableFuture<TxnResult> txnAsync(Txn txn);
}
