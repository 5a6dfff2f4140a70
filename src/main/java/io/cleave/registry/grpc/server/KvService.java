package io.cleave.registry.grpc.server;

import static io.cleave.registry.grpc.server.GrpcErrors.respond;

import io.cleave.registry.KeyValueStore;
import io.cleave.registry.RegistryException;
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
import io.cleave.registry.internal.RequestLimits;
import io.grpc.stub.StreamObserver;

/** etcd's KV service: reads, writes, deletes, transactions and compaction on the store. */
final class KvService extends KVGrpc.KVImplBase {

	private final KeyValueStore store;

	private final EtcdMember member;

	private final EtcdResponses responses;

	private final RequestLimits limits;

	/**
	 * @param store the store behind the request limits, which check keys, values and operations
	 * @param limits checked here too against the encoded size of writes, as etcd measures a request
	 */
	KvService(KeyValueStore store, EtcdMember member, RequestLimits limits) {
		this.store = store;
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
		respond(observer, () -> {
			limits.checkRequestSize(request.getSerializedSize());
			return responses.put(store.put(EtcdRequests.put(request)));
		});
	}

	@Override
	public void deleteRange(DeleteRangeRequest request, StreamObserver<DeleteRangeResponse> observer) {
		respond(observer, () -> {
			limits.checkRequestSize(request.getSerializedSize());
			return responses.delete(store.delete(EtcdRequests.delete(request)));
		});
	}

	@Override
	public void txn(TxnRequest request, StreamObserver<TxnResponse> observer) {
		respond(observer, () -> {
			limits.checkRequestSize(request.getSerializedSize());
			return responses.txn(store.txn(EtcdRequests.txn(request)));
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
