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

import com.google.protobuf.ByteString;

import io.cleave.registry.KeyRange;
import io.cleave.registry.KeyValueStore;
import io.cleave.registry.RangeQuery;
import cleave.etcd.api.KVGrpc;
import cleave.etcd.api.PutRequest;
import cleave.etcd.api.RequestOp;
import cleave.etcd.api.TxnRequest;
import cleave.etcd.api.WatchCreateRequest;
import cleave.etcd.api.WatchGrpc;
import cleave.etcd.api.WatchRequest;
import cleave.etcd.api.WatchResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * etcd's limits on its own API, with etcd's defaults and errors: 1.5 MiB per request ("request is too large"),
 * larger messages dropped unread, 128 operations per transaction, and large watch responses split — between
 * revisions always, into fragments when asked.
 */
class EtcdApiLimitsTests extends EtcdApiTestSupport {

	private static final int MIB = 1024 * 1024;

	private final ManagedChannel channel;

	private final KVGrpc.KVBlockingStub kv;

	private final Etcdctl etcdctl;

	private final String prefix = "/limits/" + UUID.randomUUID() + "/";

	@Autowired
	KeyValueStore store;

	EtcdApiLimitsTests(@Autowired EtcdApiServer server) {
		this.channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(), InsecureChannelCredentials.create())
				.maxInboundMessageSize(16 * MIB)
				.build();
		this.kv = KVGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
		this.etcdctl = new Etcdctl(server.port());
	}

	@AfterEach
	void closeChannel() throws InterruptedException {
		channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
	}

	@Test
	void aPutOverOneAndAHalfMebibytesFailsWithEtcdsErrorAndStoresNothing() {
		long revision = store.revision();
		PutRequest tooLarge = put("big", 3 * MIB / 2);

		assertThat(statusOf(() -> kv.put(tooLarge))).isEqualTo("INVALID_ARGUMENT: etcdserver: request is too large");

		assertThat(store.revision()).isEqualTo(revision);
		assertThat(kv.put(put("just-fits", 3 * MIB / 2 - 1000)).getHeader().getRevision()).isEqualTo(revision + 1);
	}

	@Test
	void aMessageBeyondTheLimitAndEtcdsOverheadIsDroppedUnread() {
		long revision = store.revision();

		assertThat(statusOf(() -> kv.put(put("huge", 3 * MIB)))).startsWith("RESOURCE_EXHAUSTED");
		assertThat(store.revision()).isEqualTo(revision);
	}

	@Test
	void etcdctlGetsEtcdsErrorForAValueTooLarge() {
		Etcdctl.Result result = etcdctl.attempt("v".repeat(2 * MIB - 100), "put", prefix + "from-etcdctl");

		assertThat(result.exitCode()).isNotZero();
		assertThat(result.errors()).contains("etcdserver: request is too large");
		assertThat(store.range(RangeQuery.of(KeyRange.key(prefix + "from-etcdctl"))).count()).isZero();
	}

	@Test
	void aTransactionOfMoreThan128OperationsFailsWithEtcdsErrorAnd128Pass() {
		long revision = store.revision();

		assertThat(statusOf(() -> kv.txn(txn(129))))
				.isEqualTo("INVALID_ARGUMENT: etcdserver: too many operations in txn request");
		assertThat(store.revision()).isEqualTo(revision);
		assertThat(kv.txn(txn(128)).getSucceeded()).isTrue();
		assertThat(etcdctl.attempt("", "put", prefix + new String(new char[3000]).replace('\0', 'k'), "v").errors())
				.as("keys are limited too").contains("etcdserver: key is too large");
	}

	@Test
	void aWatchCatchingUpOnMoreThanTheResponseLimitGetsSeveralResponsesOfWholeRevisions() throws InterruptedException {
		long start = store.revision() + 1;
		for (int i = 0; i < 30; i++) {
			kv.put(put("catch-up/" + i, 100_000)); // 3 MB in all
		}
		Watch watch = new Watch(WatchCreateRequest.newBuilder().setKey(utf8(prefix + "catch-up/"))
				.setRangeEnd(utf8(prefix + "catch-up0")).setStartRevision(start));

		List<WatchResponse> responses = watch.eventResponsesUntil(30);

		assertThat(responses).hasSizeGreaterThan(1)
				.allSatisfy(response -> {
					assertThat(response.getSerializedSize()).isLessThanOrEqualTo(2 * MIB);
					assertThat(response.getFragment()).isFalse();
				});
		assertThat(responses.stream().flatMap(r -> r.getEventsList().stream()).map(e -> e.getKv().getModRevision()))
				.as("every event once, in order").hasSize(30).isSorted().doesNotHaveDuplicates();
	}

	@Test
	void aRevisionOverTheResponseLimitIsFragmentedForAWatchThatAsksAndWholeForOneThatDoesNot()
			throws InterruptedException {
		// 14 values of 100 kB replaced in one transaction: with their previous values, 2.8 MB of events.
		List<RequestOp> first = new ArrayList<>();
		List<RequestOp> second = new ArrayList<>();
		for (int i = 0; i < 14; i++) {
			first.add(RequestOp.newBuilder().setRequestPut(put("tx/" + i, 100_000)).build());
			second.add(RequestOp.newBuilder().setRequestPut(put("tx/" + i, 100_000)).build());
		}
		kv.txn(TxnRequest.newBuilder().addAllSuccess(first).build());
		WatchCreateRequest.Builder create = WatchCreateRequest.newBuilder().setKey(utf8(prefix + "tx/"))
				.setRangeEnd(utf8(prefix + "tx0")).setPrevKv(true);
		Watch fragmented = new Watch(create.clone().setFragment(true));
		Watch whole = new Watch(create.clone());

		kv.txn(TxnRequest.newBuilder().addAllSuccess(second).build());

		List<WatchResponse> parts = fragmented.eventResponsesUntil(14);
		assertThat(parts).hasSizeGreaterThan(1);
		assertThat(parts.subList(0, parts.size() - 1)).allSatisfy(part -> assertThat(part.getFragment()).isTrue());
		assertThat(parts.getLast().getFragment()).isFalse();
		assertThat(parts).allSatisfy(part -> assertThat(part.getSerializedSize()).isLessThanOrEqualTo(2 * MIB));
		assertThat(whole.eventResponsesUntil(14)).singleElement()
				.satisfies(response -> assertThat(response.getFragment()).isFalse());
	}

	private PutRequest put(String name, int valueBytes) {
		return PutRequest.newBuilder().setKey(utf8(prefix + name)).setValue(ByteString.copyFrom(new byte[valueBytes]))
				.build();
	}

	private TxnRequest txn(int puts) {
		TxnRequest.Builder txn = TxnRequest.newBuilder();
		for (int i = 0; i < puts; i++) {
			txn.addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder()
					.setKey(utf8(prefix + "txn-" + puts + "/" + i)).setValue(utf8("v"))));
		}
		return txn.build();
	}

	private static ByteString utf8(String text) {
		return ByteString.copyFromUtf8(text);
	}

	private static String statusOf(Runnable call) {
		Status status = assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(call::run).actual()
				.getStatus();
		return status.getCode() + ": " + status.getDescription();
	}

	/** One watch on its own stream; the responses that carry events, as they arrive. */
	private final class Watch {

		private final BlockingQueue<WatchResponse> responses = new LinkedBlockingQueue<>();

		Watch(WatchCreateRequest.Builder create) throws InterruptedException {
			StreamObserver<WatchRequest> requests = WatchGrpc.newStub(channel)
					.watch(StreamObservers.addingTo(responses));
			requests.onNext(WatchRequest.newBuilder().setCreateRequest(create).build());
			WatchResponse created = responses.poll(10, TimeUnit.SECONDS);
			assertThat(created).isNotNull().satisfies(c -> assertThat(c.getCreated()).isTrue());
		}

		List<WatchResponse> eventResponsesUntil(int events) {
			List<WatchResponse> received = new ArrayList<>();
			await().atMost(Duration.ofSeconds(20)).until(() -> {
				responses.drainTo(received);
				return received.stream().mapToInt(WatchResponse::getEventsCount).sum() >= events;
			});
			return received.stream().filter(r -> r.getEventsCount() > 0).toList();
		}
	}
}
