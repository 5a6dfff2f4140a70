package io.cleave.registry.grpc.server;

import java.util.List;

import com.google.protobuf.ByteString;

import io.cleave.registry.Bytes;
import io.cleave.registry.Compare;
import io.cleave.registry.Delete;
import io.cleave.registry.KeyRange;
import io.cleave.registry.Op;
import io.cleave.registry.Put;
import io.cleave.registry.RangeQuery;
import io.cleave.registry.RangeQuery.SortOrder;
import io.cleave.registry.RangeQuery.SortTarget;
import io.cleave.registry.RegistryException;
import io.cleave.registry.Txn;
import io.cleave.registry.WatchRequest;
import cleave.etcd.api.Compare.TargetUnionCase;
import cleave.etcd.api.DeleteRangeRequest;
import cleave.etcd.api.PutRequest;
import cleave.etcd.api.RangeRequest;
import cleave.etcd.api.RequestOp;
import cleave.etcd.api.TxnRequest;
import cleave.etcd.api.WatchCreateRequest;

/**
 * etcd's request messages as the registry's Java requests. Whatever the Java types reject (an empty key, a
 * negative limit) fails with their {@code INVALID_ARGUMENT}; what only the wire can get wrong (an enum value etcd
 * does not have, an operation with nothing in it) is rejected here the same way.
 */
final class EtcdRequests {

	private EtcdRequests() {
	}

	static RangeQuery range(RangeRequest request) {
		SortTarget target = sortTarget(request);
		SortOrder order = sortOrder(request);
		if (order == SortOrder.NONE && target != SortTarget.KEY) {
			order = SortOrder.ASCEND; // etcd sorts ascending when only a target is given
		}
		// serializable is meaningless with one member: every read is linearizable.
		return new RangeQuery(keys(request.getKey(), request.getRangeEnd()), request.getLimit(), request.getRevision(),
				request.getKeysOnly(), request.getCountOnly(), target, order, request.getMinModRevision(),
				request.getMaxModRevision(), request.getMinCreateRevision(), request.getMaxCreateRevision());
	}

	static Put put(PutRequest request) {
		return new Put(bytes(request.getKey()), bytes(request.getValue()), request.getLease(), request.getPrevKv(),
				request.getIgnoreValue(), request.getIgnoreLease());
	}

	static Delete delete(DeleteRangeRequest request) {
		return new Delete(keys(request.getKey(), request.getRangeEnd()), request.getPrevKv());
	}

	static Txn txn(TxnRequest request) {
		return new Txn(request.getCompareList().stream().map(EtcdRequests::compare).toList(),
				ops(request.getSuccessList()), ops(request.getFailureList()));
	}

	/** A watch request; etcd reads an empty key as {@code "\0"}, the smallest key. */
	static WatchRequest watch(WatchCreateRequest request) {
		ByteString key = request.getKey().isEmpty() ? ByteString.copyFrom(new byte[] {0}) : request.getKey();
		boolean noPut = false;
		boolean noDelete = false;
		for (WatchCreateRequest.FilterType filter : request.getFiltersList()) {
			switch (filter) {
				case NOPUT -> noPut = true;
				case NODELETE -> noDelete = true;
				case UNRECOGNIZED -> throw unknown("watch filter", request.getFiltersValueList());
			}
		}
		return new WatchRequest(keys(key, request.getRangeEnd()), request.getStartRevision(), request.getPrevKv(),
				request.getProgressNotify(), noPut, noDelete);
	}

	private static Bytes bytes(ByteString bytes) {
		return Bytes.wrap(bytes.toByteArray());
	}

	private static KeyRange keys(ByteString key, ByteString rangeEnd) {
		return KeyRange.of(bytes(key), bytes(rangeEnd));
	}

	private static List<Op> ops(List<RequestOp> ops) {
		return ops.stream().map(EtcdRequests::op).toList();
	}

	private static Op op(RequestOp op) {
		return switch (op.getRequestCase()) {
			case REQUEST_RANGE -> range(op.getRequestRange());
			case REQUEST_PUT -> put(op.getRequestPut());
			case REQUEST_DELETE_RANGE -> delete(op.getRequestDeleteRange());
			case REQUEST_TXN -> txn(op.getRequestTxn());
			case REQUEST_NOT_SET -> throw RegistryException.invalidArgument("a txn operation holds no request");
		};
	}

	private static Compare compare(cleave.etcd.api.Compare compare) {
		KeyRange keys = keys(compare.getKey(), compare.getRangeEnd());
		Compare.Result result = switch (compare.getResult()) {
			case EQUAL -> Compare.Result.EQUAL;
			case GREATER -> Compare.Result.GREATER;
			case LESS -> Compare.Result.LESS;
			case NOT_EQUAL -> Compare.Result.NOT_EQUAL;
			case UNRECOGNIZED -> throw unknown("compare result", compare.getResultValue());
		};
		requireOperandOfItsTarget(compare);
		return switch (compare.getTarget()) {
			case VERSION -> Compare.version(keys, result, compare.getVersion());
			case CREATE -> Compare.createRevision(keys, result, compare.getCreateRevision());
			case MOD -> Compare.modRevision(keys, result, compare.getModRevision());
			case LEASE -> Compare.lease(keys, result, compare.getLease());
			case VALUE -> Compare.value(keys, result, bytes(compare.getValue()));
			case UNRECOGNIZED -> throw unknown("compare target", compare.getTargetValue());
		};
	}

	/** etcd reads the operand its target names and ignores another; a mismatch is a malformed compare here. */
	private static void requireOperandOfItsTarget(cleave.etcd.api.Compare compare) {
		TargetUnionCase operand = compare.getTargetUnionCase();
		TargetUnionCase expected = switch (compare.getTarget()) {
			case VERSION -> TargetUnionCase.VERSION;
			case CREATE -> TargetUnionCase.CREATE_REVISION;
			case MOD -> TargetUnionCase.MOD_REVISION;
			case LEASE -> TargetUnionCase.LEASE;
			case VALUE, UNRECOGNIZED -> TargetUnionCase.VALUE;
		};
		if (operand != expected && operand != TargetUnionCase.TARGETUNION_NOT_SET) {
			throw RegistryException.invalidArgument("a " + compare.getTarget() + " compare takes a "
					+ expected.name().toLowerCase() + " operand, not a " + operand.name().toLowerCase());
		}
	}

	private static SortTarget sortTarget(RangeRequest request) {
		return switch (request.getSortTarget()) {
			case KEY -> SortTarget.KEY;
			case VERSION -> SortTarget.VERSION;
			case CREATE -> SortTarget.CREATE;
			case MOD -> SortTarget.MOD;
			case VALUE -> SortTarget.VALUE;
			case UNRECOGNIZED -> throw unknown("sort_target", request.getSortTargetValue());
		};
	}

	private static SortOrder sortOrder(RangeRequest request) {
		return switch (request.getSortOrder()) {
			case NONE -> SortOrder.NONE;
			case ASCEND -> SortOrder.ASCEND;
			case DESCEND -> SortOrder.DESCEND;
			case UNRECOGNIZED -> throw unknown("sort_order", request.getSortOrderValue());
		};
	}

	private static RegistryException unknown(String field, Object number) {
		return RegistryException.invalidArgument("unknown " + field + " " + number);
	}
}
