package io.cleave.registry.grpc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import com.google.protobuf.ByteString;

import cleave.etcd.api.AuthGrpc;
import cleave.etcd.api.AuthenticateRequest;
import cleave.etcd.api.ClusterGrpc;
import cleave.etcd.api.CompactionRequest;
import cleave.etcd.api.Compare;
import cleave.etcd.api.DefragmentRequest;
import cleave.etcd.api.Event;
import cleave.etcd.api.KVGrpc;
import cleave.etcd.api.LeaseGrantRequest;
import cleave.etcd.api.LeaseGrpc;
import cleave.etcd.api.MaintenanceGrpc;
import cleave.etcd.api.MemberListRequest;
import cleave.etcd.api.PutRequest;
import cleave.etcd.api.PutResponse;
import cleave.etcd.api.RangeRequest;
import cleave.etcd.api.RangeResponse;
import cleave.etcd.api.RequestOp;
import cleave.etcd.api.SnapshotRequest;
import cleave.etcd.api.StatusRequest;
import cleave.etcd.api.StatusResponse;
import cleave.etcd.api.TxnRequest;
import cleave.etcd.api.TxnResponse;
import cleave.etcd.api.WatchCancelRequest;
import cleave.etcd.api.WatchCreateRequest;
import cleave.etcd.api.WatchGrpc;
import cleave.etcd.api.WatchProgressRequest;
import cleave.etcd.api.WatchRequest;
import cleave.etcd.api.WatchResponse;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The parts of etcd's protocol that etcdctl and jetcd hide, on the wire through the generated stubs: the order and
 * shape of watch responses, the status codes of malformed requests, and what is not implemented.
 */
class EtcdProtocolTests extends EtcdApiTestSupport {

	private static final Duration PATIENCE = Duration.ofSeconds(10);

	private final ManagedChannel channel;

	private final KVGrpc.KVBlockingStub kv;

	private final String prefix = "/protocol/" + UUID.randomUUID() + "/";

	EtcdProtocolTests(@Autowired EtcdApiServer server) {
		this.channel = plaintextChannel(server);
		this.kv = KVGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
	}

	@AfterEach
	void closeChannel() throws InterruptedException {
		channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
	}

	@Test
	void watchAnswersCreatedBeforeAnyEventThenEventsThenCanceled() throws Exception {
		WatchClient watch = new WatchClient();
		long from = put("a", "1");

		watch.send(create(prefix + "a").setStartRevision(from).setWatchId(7));

		WatchResponse created = watch.next();
		assertThat(created.getCreated()).isTrue();
		assertThat(created.getWatchId()).isEqualTo(7);
		assertThat(created.getEventsList()).isEmpty();
		WatchResponse replayed = watch.next();
		assertThat(replayed.getWatchId()).isEqualTo(7);
		assertThat(replayed.getEventsList()).extracting(event -> event.getKv().getValue().toStringUtf8())
				.containsExactly("1");

		watch.send(WatchRequest.newBuilder().setCancelRequest(WatchCancelRequest.newBuilder().setWatchId(7)));
		WatchResponse canceled = watch.next();
		assertThat(canceled.getCanceled()).isTrue();
		assertThat(canceled.getWatchId()).isEqualTo(7);
		put("a", "after the cancel");
		watch.assertNothingMore();
	}

	@Test
	void aClientThatStopsReadingGetsEveryEventInOrderOnceItReadsAgain() throws Exception {
		BlockingQueue<WatchResponse> received = new LinkedBlockingQueue<>();
		var flow = new AtomicReference<ClientCallStreamObserver<WatchRequest>>();
		StreamObserver<WatchRequest> requests = WatchGrpc.newStub(channel).watch(
				new ClientResponseObserver<WatchRequest, WatchResponse>() {
					@Override
					public void beforeStart(ClientCallStreamObserver<WatchRequest> call) {
						call.disableAutoRequestWithInitial(1); // the "created" response, then nothing until asked
						flow.set(call);
					}

					@Override
					public void onNext(WatchResponse response) {
						received.add(response);
					}

					@Override
					public void onError(Throwable failure) {
					}

					@Override
					public void onCompleted() {
					}
				});
		requests.onNext(WatchRequest.newBuilder().setCreateRequest(create(prefix).setRangeEnd(prefixEnd())).build());
		assertThat(received.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS)).matches(WatchResponse::getCreated);

		// Far more than gRPC's flow-control window (64 KiB per stream by default): the server must hold back.
		String value = "x".repeat(4096);
		int puts = 600;
		for (int i = 0; i < puts; i++) {
			put("k" + i, value);
		}
		flow.get().request(Integer.MAX_VALUE);

		List<String> seen = new ArrayList<>();
		await().atMost(PATIENCE).untilAsserted(() -> {
			for (WatchResponse response; (response = received.poll()) != null;) {
				response.getEventsList().forEach(event -> seen.add(event.getKv().getKey().toStringUtf8()));
			}
			assertThat(seen).hasSize(puts);
		});
		assertThat(seen).containsExactlyElementsOf(
				IntStream.range(0, puts).mapToObj(i -> prefix + "k" + i).toList());
		requests.onCompleted();
	}

	@Test
	void watchIdsCountFromZeroAndATakenIdIsRefused() throws Exception {
		WatchClient watch = new WatchClient();

		watch.send(create(prefix + "a"));
		watch.send(create(prefix + "b"));
		watch.send(create(prefix + "c").setWatchId(1));

		assertThat(watch.next().getWatchId()).isZero();
		assertThat(watch.next().getWatchId()).isEqualTo(1);
		WatchResponse refused = watch.next();
		assertThat(refused.getCreated()).isTrue();
		assertThat(refused.getCanceled()).isTrue();
		assertThat(refused.getWatchId()).isEqualTo(-1);
		assertThat(refused.getCancelReason()).isEqualTo("mvcc: duplicate watch ID provided on the WatchStream");
	}

	@Test
	void watchFiltersLeaveOutPutsOrDeletes() throws Exception {
		WatchClient watch = new WatchClient();
		watch.send(create(prefix).setRangeEnd(prefixEnd()).addFilters(WatchCreateRequest.FilterType.NOPUT));
		assertThat(watch.next().getCreated()).isTrue();

		put("a", "1");
		kv.deleteRange(cleave.etcd.api.DeleteRangeRequest.newBuilder().setKey(key("a")).build());

		assertThat(watch.next().getEventsList()).extracting(Event::getType).containsExactly(Event.EventType.DELETE);
	}

	@Test
	void aProgressRequestIsAnsweredForTheWholeStreamAtTheCurrentRevision() throws Exception {
		WatchClient watch = new WatchClient();
		watch.send(create(prefix + "quiet"));
		assertThat(watch.next().getCreated()).isTrue();
		long revision = put("elsewhere", "x");

		watch.send(WatchRequest.newBuilder().setProgressRequest(WatchProgressRequest.getDefaultInstance()));

		WatchResponse progress = watch.next();
		assertThat(progress.getWatchId()).isEqualTo(WatchStream.ALL_WATCHES);
		assertThat(progress.getEventsList()).isEmpty();
		assertThat(progress.getHeader().getRevision()).isGreaterThanOrEqualTo(revision);
	}

	@Test
	void aWatchFromACompactedRevisionIsCreatedThenCanceledWithTheCompactRevision() throws Exception {
		long old = put("a", "1");
		long now = put("a", "2");
		kv.compact(CompactionRequest.newBuilder().setRevision(now).build());
		WatchClient watch = new WatchClient();

		watch.send(create(prefix + "a").setStartRevision(old));

		assertThat(watch.next().getCreated()).isTrue();
		WatchResponse canceled = watch.next();
		assertThat(canceled.getCanceled()).isTrue();
		assertThat(canceled.getCompactRevision()).isEqualTo(now);
		assertThat(canceled.getEventsList()).isEmpty();
	}

	@Test
	void everyResponseHeaderNamesTheClusterAndMemberAndTheStoresRevision() {
		long revision = put("a", "1");

		var response = kv.range(RangeRequest.newBuilder().setKey(key("a")).build());
		StatusResponse status = MaintenanceGrpc.newBlockingStub(channel).status(StatusRequest.getDefaultInstance());

		assertThat(response.getHeader().getRevision()).isGreaterThanOrEqualTo(revision);
		assertThat(response.getHeader().getClusterId()).isNotZero().isEqualTo(status.getHeader().getClusterId());
		assertThat(response.getHeader().getMemberId()).isNotZero().isEqualTo(status.getLeader());
		assertThat(response.getHeader().getRaftTerm()).isEqualTo(1);
		assertThat(status.getVersion()).isEqualTo("3.4.0");
	}

	@Test
	void rangeSortsFiltersByRevisionAndCounts() {
		put("a", "3");
		long second = put("b", "2");
		put("c", "1");
		RangeRequest all = RangeRequest.newBuilder().setKey(key("")).setRangeEnd(prefixEnd()).build();

		assertThat(keys(kv.range(all.toBuilder().setSortOrder(RangeRequest.SortOrder.DESCEND).build())))
				.containsExactly("c", "b", "a");
		assertThat(keys(kv.range(all.toBuilder().setSortTarget(RangeRequest.SortTarget.VALUE).build())))
				.as("a target without an order sorts ascending").containsExactly("c", "b", "a");
		assertThat(keys(kv.range(all.toBuilder().setMinModRevision(second).build()))).containsExactly("b", "c");
		assertThat(keys(kv.range(all.toBuilder().setMaxCreateRevision(second).build()))).containsExactly("a", "b");
		RangeResponse counted = kv.range(all.toBuilder().setCountOnly(true).build());
		assertThat(counted.getCount()).isEqualTo(3);
		assertThat(counted.getKvsList()).isEmpty();
		RangeResponse limited = kv.range(all.toBuilder().setLimit(2).setKeysOnly(true).build());
		assertThat(limited.getMore()).isTrue();
		assertThat(limited.getKvsList()).extracting(found -> found.getValue().toStringUtf8()).containsOnly("");
	}

	@Test
	void putCanKeepTheValueOrTheLeaseAndReturnWhatWasThere() {
		long lease = LeaseGrpc.newBlockingStub(channel).leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60).build())
				.getID();
		put("a", "kept");

		PutResponse leased = kv.put(PutRequest.newBuilder().setKey(key("a")).setIgnoreValue(true).setLease(lease)
				.setPrevKv(true).build());
		kv.put(PutRequest.newBuilder().setKey(key("a")).setValue(ByteString.copyFromUtf8("new")).setIgnoreLease(true)
				.build());

		assertThat(leased.getPrevKv().getValue().toStringUtf8()).isEqualTo("kept");
		assertThat(leased.getPrevKv().getLease()).isZero();
		var now = kv.range(RangeRequest.newBuilder().setKey(key("a")).build()).getKvs(0);
		assertThat(now.getValue().toStringUtf8()).isEqualTo("new");
		assertThat(now.getLease()).isEqualTo(lease);
	}

	@Test
	void aTxnCanNestATxnAndAnswersWithItsResponses() {
		put("a", "1");
		RequestOp inner = RequestOp.newBuilder().setRequestTxn(TxnRequest.newBuilder()
				.addCompare(Compare.newBuilder().setKey(key("a")).setTarget(Compare.CompareTarget.VALUE)
						.setValue(ByteString.copyFromUtf8("1")))
				.addSuccess(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(key("a")))))
				.build();

		TxnResponse outer = kv.txn(TxnRequest.newBuilder().addSuccess(inner).build());

		assertThat(outer.getSucceeded()).isTrue();
		TxnResponse nested = outer.getResponses(0).getResponseTxn();
		assertThat(nested.getSucceeded()).isTrue();
		assertThat(nested.getResponses(0).getResponseRange().getKvs(0).getValue().toStringUtf8()).isEqualTo("1");
	}

	@Test
	void malformedRequestsAreInvalidArgumentsSayingWhatIsWrong() {
		assertThat(statusOf(() -> kv.range(RangeRequest.newBuilder().setKey(key("a")).setSortTargetValue(9).build())))
				.isEqualTo("INVALID_ARGUMENT: etcdserver: unknown sort_target 9");
		assertThat(statusOf(() -> kv.range(RangeRequest.newBuilder().setKey(key("a")).setLimit(-1).build())))
				.isEqualTo("INVALID_ARGUMENT: etcdserver: limit must not be negative, was -1");
		assertThat(statusOf(() -> kv.txn(TxnRequest.newBuilder()
				.addCompare(Compare.newBuilder().setKey(key("a")).setTarget(Compare.CompareTarget.VERSION)
						.setValue(ByteString.copyFromUtf8("1")))
				.build())))
				.isEqualTo("INVALID_ARGUMENT: etcdserver: a VERSION compare takes a version operand, not a value");
		assertThat(statusOf(() -> kv.txn(TxnRequest.newBuilder().addSuccess(RequestOp.getDefaultInstance()).build())))
				.isEqualTo("INVALID_ARGUMENT: etcdserver: a txn operation holds no request");
	}

	@Test
	void unsupportedCallsAreUnimplementedAndSayWhatToDoInstead() {
		assertThat(statusOf(() -> MaintenanceGrpc.newBlockingStub(channel)
				.defragment(DefragmentRequest.getDefaultInstance())))
				.startsWith("UNIMPLEMENTED: etcdserver: Defragment is not supported")
				.contains("cleave.registry.store.history-retention");
		assertThat(statusOf(() -> MaintenanceGrpc.newBlockingStub(channel).snapshot(SnapshotRequest.getDefaultInstance())
				.hasNext())).startsWith("UNIMPLEMENTED").contains("pg_dump");
		assertThat(statusOf(() -> ClusterGrpc.newBlockingStub(channel).memberList(MemberListRequest.getDefaultInstance())))
				.startsWith("UNIMPLEMENTED: etcdserver: etcdserverpb.Cluster/MemberList is not supported")
				.contains("serves KV, Watch, Lease and Maintenance");
		assertThat(statusOf(() -> AuthGrpc.newBlockingStub(channel).authenticate(AuthenticateRequest.getDefaultInstance())))
				.startsWith("UNIMPLEMENTED").contains("cleave.registry.etcd-api.tls");
	}

	private long put(String name, String value) {
		return kv.put(PutRequest.newBuilder().setKey(key(name)).setValue(ByteString.copyFromUtf8(value)).build())
				.getHeader().getRevision();
	}

	private List<String> keys(RangeResponse response) {
		return response.getKvsList().stream().map(found -> found.getKey().toStringUtf8().substring(prefix.length()))
				.toList();
	}

	private ByteString key(String name) {
		return ByteString.copyFromUtf8(prefix + name);
	}

	private ByteString prefixEnd() {
		String last = prefix.substring(0, prefix.length() - 1);
		return ByteString.copyFromUtf8(last + (char) (prefix.charAt(prefix.length() - 1) + 1));
	}

	private static WatchCreateRequest.Builder create(String key) {
		return WatchCreateRequest.newBuilder().setKey(ByteString.copyFromUtf8(key));
	}

	private static String statusOf(Runnable call) {
		StatusRuntimeException failure = assertThatExceptionOfType(StatusRuntimeException.class)
				.isThrownBy(call::run).actual();
		Status status = failure.getStatus();
		return status.getCode() + ": " + status.getDescription();
	}

	/** One watch stream, its responses queued as they arrive. */
	private final class WatchClient {

		private final BlockingQueue<WatchResponse> responses = new LinkedBlockingQueue<>();

		private final StreamObserver<WatchRequest> requests = WatchGrpc.newStub(channel)
				.watch(StreamObservers.addingTo(responses));

		void send(WatchCreateRequest.Builder create) {
			send(WatchRequest.newBuilder().setCreateRequest(create));
		}

		void send(WatchRequest.Builder request) {
			requests.onNext(request.build());
		}

		WatchResponse next() throws InterruptedException {
			WatchResponse response = responses.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS);
			assertThat(response).as("a watch response within %s", PATIENCE).isNotNull();
			return response;
		}

		/** Nothing arrives while a put that would match goes through a second watch and reaches it. */
		void assertNothingMore() throws InterruptedException {
			WatchClient witness = new WatchClient();
			witness.send(create(prefix).setRangeEnd(prefixEnd()));
			witness.next();
			put("witness", "w");
			await().atMost(PATIENCE).until(() -> !witness.responses.isEmpty());
			assertThat(responses).isEmpty();
		}
	}
}
