package io.cleave.registry.grpc.client;

import java.util.List;

import com.google.protobuf.ByteString;

import io.cleave.registry.Bytes;
import io.cleave.registry.Compare;
import io.cleave.registry.Delete;
import io.cleave.registry.DeleteResult;
import io.cleave.registry.KeyValue;
import io.cleave.registry.Op;
import io.cleave.registry.OpResult;
import io.cleave.registry.Put;
import io.cleave.registry.PutResult;
import io.cleave.registry.RangeQuery;
import io.cleave.registry.RangeResult;
import io.cleave.registry.Txn;
import io.cleave.registry.TxnResult;
import io.cleave.registry.WatchEvent;
import io.cleave.registry.WatchRequest;
import cleave.etcd.api.DeleteRangeRequest;
import cleave.etcd.api.DeleteRangeResponse;
import cleave.etcd.api.Event;
import cleave.etcd.api.PutRequest;
import cleave.etcd.api.PutResponse;
import cleave.etcd.api.RangeRequest;
import cleave.etcd.api.RangeResponse;
import cleave.etcd.api.RequestOp;
import cleave.etcd.api.ResponseHeader;
import cleave.etcd.api.ResponseOp;
import cleave.etcd.api.TxnRequest;
import cleave.etcd.api.TxnResponse;
import cleave.etcd.api.WatchCreateRequest;
import org.jspecify.annotations.Nullable;

/**
 * Maps the registry's records to etcd's v3 messages and back, field for field. The two share etcd's data model, so
 * nothing is interpreted here: ranges keep etcd's {@code key}/{@code range_end} encoding, and defaults (0, empty,
 * {@code NONE}) mean what they mean to etcd.
 */
final class EtcdMessages {

	private EtcdMessages() {
	}

	// Requests

	static RangeRequest rangeRequest(RangeQuery query) {
		return RangeRequest.newBuilder()
				.setKey(bytes(query.range().key()))
				.setRangeEnd(bytes(query.range().end()))
				.setLimit(query.limit())
				.setRevision(query.revision())
				.setSortOrder(RangeRequest.SortOrder.valueOf(query.sortOrder().name()))
				.setSortTarget(RangeRequest.SortTarget.valueOf(query.sortTarget().name()))
				.setKeysOnly(query.keysOnly())
				.setCountOnly(query.countOnly())
				.setMinModRevision(query.minModRevision())
				.setMaxModRevision(query.maxModRevision())
				.setMinCreateRevision(query.minCreateRevision())
				.setMaxCreateRevision(query.maxCreateRevision())
				.build();
	}

	static PutRequest putRequest(Put put) {
		return PutRequest.newBuilder()
				.setKey(bytes(put.key()))
				.setValue(bytes(put.value()))
				.setLease(put.lease())
				.setPrevKv(put.prevKv())
				.setIgnoreValue(put.ignoreValue())
				.setIgnoreLease(put.ignoreLease())
				.build();
	}

	static DeleteRangeRequest deleteRequest(Delete delete) {
		return DeleteRangeRequest.newBuilder()
				.setKey(bytes(delete.range().key()))
				.setRangeEnd(bytes(delete.range().end()))
				.setPrevKv(delete.prevKv())
				.build();
	}

	static TxnRequest txnRequest(Txn txn) {
		TxnRequest.Builder request = TxnRequest.newBuilder();
		txn.compares().forEach(compare -> request.addCompare(compare(compare)));
		txn.success().forEach(op -> request.addSuccess(requestOp(op)));
		txn.failure().forEach(op -> request.addFailure(requestOp(op)));
		return request.build();
	}

	static WatchCreateRequest watchCreateRequest(WatchRequest watch, long startRevision) {
		WatchCreateRequest.Builder request = WatchCreateRequest.newBuilder()
				.setKey(bytes(watch.range().key()))
				.setRangeEnd(bytes(watch.range().end()))
				.setStartRevision(startRevision)
				.setProgressNotify(watch.progressNotify())
				.setPrevKv(watch.prevKv());
		if (watch.noPut()) {
			request.addFilters(WatchCreateRequest.FilterType.NOPUT);
		}
		if (watch.noDelete()) {
			request.addFilters(WatchCreateRequest.FilterType.NODELETE);
		}
		return request.build();
	}

	private static RequestOp requestOp(Op op) {
		return switch (op) {
			case RangeQuery query -> RequestOp.newBuilder().setRequestRange(rangeRequest(query)).build();
			case Put put -> RequestOp.newBuilder().setRequestPut(putRequest(put)).build();
			case Delete delete -> RequestOp.newBuilder().setRequestDeleteRange(deleteRequest(delete)).build();
			case Txn txn -> RequestOp.newBuilder().setRequestTxn(txnRequest(txn)).build();
		};
	}

	private static cleave.etcd.api.Compare compare(Compare compare) {
		var message = cleave.etcd.api.Compare.newBuilder()
				.setKey(bytes(compare.range().key()))
				.setRangeEnd(bytes(compare.range().end()))
				.setTarget(cleave.etcd.api.Compare.CompareTarget.valueOf(compare.target().name()))
				.setResult(cleave.etcd.api.Compare.CompareResult.valueOf(compare.result().name()));
		return switch (compare.target()) {
			case VERSION -> message.setVersion(compare.number()).build();
			case CREATE -> message.setCreateRevision(compare.number()).build();
			case MOD -> message.setModRevision(compare.number()).build();
			case LEASE -> message.setLease(compare.number()).build();
			case VALUE -> message.setValue(bytes(compare.value())).build();
		};
	}

	// Responses

	static RangeResult rangeResult(RangeResponse response) {
		return new RangeResult(revision(response.getHeader(), 0), keyValues(response.getKvsList()),
				response.getMore(), response.getCount());
	}

	static PutResult putResult(PutResponse response) {
		return putResult(response, 0);
	}

	static DeleteResult deleteResult(DeleteRangeResponse response) {
		return deleteResult(response, 0);
	}

	static TxnResult txnResult(TxnResponse response) {
		return txnResult(response, 0);
	}

	/**
	 * The results of a transaction's operations. etcd leaves the header of some nested responses empty; they were
	 * applied at the transaction's revision, so that is the revision they report.
	 */
	private static TxnResult txnResult(TxnResponse response, long enclosingRevision) {
		long revision = revision(response.getHeader(), enclosingRevision);
		List<OpResult> results = response.getResponsesList().stream()
				.map(op -> opResult(op, revision))
				.toList();
		return new TxnResult(revision, response.getSucceeded(), results);
	}

	private static OpResult opResult(ResponseOp op, long txnRevision) {
		return switch (op.getResponseCase()) {
			case RESPONSE_RANGE -> {
				RangeResponse range = op.getResponseRange();
				yield new RangeResult(revision(range.getHeader(), txnRevision), keyValues(range.getKvsList()),
						range.getMore(), range.getCount());
			}
			case RESPONSE_PUT -> putResult(op.getResponsePut(), txnRevision);
			case RESPONSE_DELETE_RANGE -> deleteResult(op.getResponseDeleteRange(), txnRevision);
			case RESPONSE_TXN -> txnResult(op.getResponseTxn(), txnRevision);
			case RESPONSE_NOT_SET -> throw new IllegalStateException("etcd sent a transaction response without a result");
		};
	}

	private static PutResult putResult(PutResponse response, long txnRevision) {
		return new PutResult(revision(response.getHeader(), txnRevision),
				response.hasPrevKv() ? keyValue(response.getPrevKv()) : null);
	}

	private static DeleteResult deleteResult(DeleteRangeResponse response, long txnRevision) {
		return new DeleteResult(revision(response.getHeader(), txnRevision), response.getDeleted(),
				keyValues(response.getPrevKvsList()));
	}

	static List<WatchEvent> watchEvents(List<Event> events) {
		return events.stream().map(EtcdMessages::watchEvent).toList();
	}

	private static WatchEvent watchEvent(Event event) {
		WatchEvent.Type type = switch (event.getType()) {
			case PUT -> WatchEvent.Type.PUT;
			case DELETE -> WatchEvent.Type.DELETE;
			case UNRECOGNIZED -> throw new IllegalStateException("etcd sent an event of an unknown type");
		};
		@Nullable KeyValue previous = event.hasPrevKv() ? keyValue(event.getPrevKv()) : null;
		return new WatchEvent(type, keyValue(event.getKv()), previous);
	}

	static List<KeyValue> keyValues(List<cleave.etcd.api.KeyValue> kvs) {
		return kvs.stream().map(EtcdMessages::keyValue).toList();
	}

	static KeyValue keyValue(cleave.etcd.api.KeyValue kv) {
		return new KeyValue(bytes(kv.getKey()), bytes(kv.getValue()), kv.getCreateRevision(), kv.getModRevision(),
				kv.getVersion(), kv.getLease());
	}

	static long revision(ResponseHeader header, long fallback) {
		return header.getRevision() != 0 ? header.getRevision() : fallback;
	}

	// Bytes

	static ByteString bytes(Bytes bytes) {
		return bytes.isEmpty() ? ByteString.EMPTY : ByteString.copyFrom(bytes.unsafeArray());
	}

	static Bytes bytes(ByteString bytes) {
		return Bytes.wrap(bytes.toByteArray());
	}
}
