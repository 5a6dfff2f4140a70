package io.cleave.registry.grpc.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;

import io.cleave.registry.Bytes;
import io.cleave.registry.DeleteResult;
import io.cleave.registry.OpResult;
import io.cleave.registry.PutResult;
import io.cleave.registry.RangeResult;
import io.cleave.registry.TxnResult;
import io.cleave.registry.WatchEvent;
import cleave.etcd.api.DeleteRangeResponse;
import cleave.etcd.api.Event;
import cleave.etcd.api.KeyValue;
import cleave.etcd.api.PutResponse;
import cleave.etcd.api.RangeResponse;
import cleave.etcd.api.ResponseOp;
import cleave.etcd.api.TxnResponse;

/** The registry's Java results as etcd's response messages, each with this member's header. */
final class EtcdResponses {

	private final EtcdMember member;

	EtcdResponses(EtcdMember member) {
		this.member = member;
	}

	RangeResponse range(RangeResult result) {
		RangeResponse.Builder response = RangeResponse.newBuilder()
				.setHeader(member.header(result.revision()))
				.setMore(result.more())
				.setCount(result.count());
		result.kvs().forEach(kv -> response.addKvs(keyValue(kv)));
		return response.build();
	}

	PutResponse put(PutResult result) {
		PutResponse.Builder response = PutResponse.newBuilder().setHeader(member.header(result.revision()));
		if (result.prevKv() != null) {
			response.setPrevKv(keyValue(result.prevKv()));
		}
		return response.build();
	}

	DeleteRangeResponse delete(DeleteResult result) {
		DeleteRangeResponse.Builder response = DeleteRangeResponse.newBuilder()
				.setHeader(member.header(result.revision()))
				.setDeleted(result.deleted());
		result.prevKvs().forEach(kv -> response.addPrevKvs(keyValue(kv)));
		return response.build();
	}

	TxnResponse txn(TxnResult result) {
		TxnResponse.Builder response = TxnResponse.newBuilder()
				.setHeader(member.header(result.revision()))
				.setSucceeded(result.succeeded());
		result.results().forEach(op -> response.addResponses(op(op)));
		return response.build();
	}

	private ResponseOp op(OpResult result) {
		ResponseOp.Builder op = ResponseOp.newBuilder();
		return switch (result) {
			case RangeResult range -> op.setResponseRange(range(range)).build();
			case PutResult put -> op.setResponsePut(put(put)).build();
			case DeleteResult delete -> op.setResponseDeleteRange(delete(delete)).build();
			case TxnResult txn -> op.setResponseTxn(txn(txn)).build();
		};
	}

	static KeyValue keyValue(io.cleave.registry.KeyValue kv) {
		return KeyValue.newBuilder()
				.setKey(byteString(kv.key()))
				.setValue(byteString(kv.value()))
				.setCreateRevision(kv.createRevision())
				.setModRevision(kv.modRevision())
				.setVersion(kv.version())
				.setLease(kv.lease())
				.build();
	}

	static Event event(WatchEvent event) {
		Event.Builder message = Event.newBuilder()
				.setType(event.type() == WatchEvent.Type.PUT ? Event.EventType.PUT : Event.EventType.DELETE)
				.setKv(keyValue(event.kv()));
		if (event.prevKv() != null) {
			message.setPrevKv(keyValue(event.prevKv()));
		}
		return message.build();
	}

	/** Shares the array: {@link Bytes} never changes it, and a {@link ByteString} never does either. */
	static ByteString byteString(Bytes bytes) {
		return UnsafeByteOperations.unsafeWrap(bytes.unsafeArray());
	}
}
