package io.cleave.registry.grpc.server;

import static io.cleave.registry.grpc.server.GrpcErrors.respond;
import static io.cleave.registry.grpc.server.GrpcErrors.respondLater;

import java.util.Set;

import io.cleave.registry.Delete;
import io.cleave.registry.KeyValueStore;
import io.cleave.registry.Put;
import io.cleave.registry.RegistryException;
import io.cleave.registry.Txn;
import cleave.etcd.api.CompactionRequest;
import cleave.etcd.api.CompactionResponse;
import cleave.etcd.api.DeleteRangeRequest;
import cleave.etcd.api.DeleteRangeResponse;
import cleave.etcd.api.KVGrpc;
import cleave.etcd.api.PutRequest;
import cleave.etcd.api.PutResponse;
import cleave.etcd.api.RangeRequest;
import cleave.etcd.api.RangeResponse;
import cleave.etcd.api.TxnRequest;
import cleave.etcd.api.TxnResponse;
import io.cleave.registry.internal.AsyncWrites;
import io.cleave.registry.internal.RequestLimits;
import io.grpc.stub.StreamObserver;

/**
 * etcd's KV service: reads, writes, deletes, transactions and compaction on the store. Writes are handed to the
 * store's group commit without holding a thread: each call is answered when the commit holding its write is durable.
 */
final class KvService extends KVGrpc.KVImplBase {

	/** The methods whose handlers block no thread: the writes. */
	static final Set<String> NON_BLOCKING = Set.of(KVGrpc.getPutMethod().getFullMethodName(),
			KVGrpc.getDeleteRangeMethod().getFullMethodName(), KVGrpc.getTxnMethod().getFullMethodName());

	private final KeyValueStore store;

	private final AsyncWrites writes;

	private final EtcdMember member;

	private final EtcdResponses responses;

	private final RequestLimits limits;

	/**
	 * @param store the store behind the request limits, which check keys, values and operations
	 * @param writes the same store's writes, unchecked: the limits are checked here before a write is queued
	 * @param limits checked here too against the encoded size of writes, as etcd measures a request
	 */
	KvService(KeyValueStore store, AsyncWrites writes, EtcdMember member, RequestLimits limits) {
		this.store = store;
		this.writes = writes;
		this.member = member;
		this.responses = new EtcdResponses(member);
		this.limits = limits;
	}

	@Override
	public void range(RangeRequest request, StreamObserver<RangeResponse> observer) {
		respond(observer, () -> responses.range(store.range(EtcdRequests.range(request))));
	}

	@Override
	public void put(PutRequest request, StreamObserver<PutResponse> observer) {
		respondLater(observer, () -> {
			limits.checkRequestSize(request.getSerializedSize());
			Put put = EtcdRequests.put(request);
			limits.check(put);
			return writes.putAsync(put).thenApply(responses::put);
		});
	}

	@Override
	public void deleteRange(DeleteRangeRequest request, StreamObserver<DeleteRangeResponse> observer) {
		respondLater(observer, () -> {
			limits.checkRequestSize(request.getSerializedSize());
			Delete delete = EtcdRequests.delete(request);
			limits.check(delete);
			return writes.deleteAsync(delete).thenApply(responses::delete);
		});
	}

	@Override
	public void txn(TxnRequest request, StreamObserver<TxnResponse> observer) {
		respondLater(observer, () -> {
			limits.checkRequestSize(request.getSerializedSize());
			Txn txn = EtcdRequests.txn(request);
			limits.check(txn);
			return writes.txnAsync(txn).thenApply(responses::txn);
		});
	}

	@Override
	public void compact(CompactionRequest request, StreamObserver<CompactionResponse> observer) {
		respond(observer, () -> {
			if (request.getRevision() <= 0) {
				throw RegistryException.invalidArgument("compaction revision must be positive, was " + request.getRevision());
			}
			// physical is moot: compaction here is done when the call returns.
			return CompactionResponse.newBuilder().setHeader(member.header(store.compact(request.getRevision()))).build();
		});
	}
}
