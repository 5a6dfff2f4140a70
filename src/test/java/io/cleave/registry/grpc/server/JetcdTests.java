package io.cleave.registry.grpc.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.grpc.Status;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * jetcd 0.8.7, a stock Java etcd client, against the etcd API of a running Cleave: the calls a service registry
 * makes, and etcd's errors for bad input. Each test writes under a prefix of its own.
 */
class JetcdTests extends EtcdApiTestSupport {

	private static final Duration PATIENCE = Duration.ofSeconds(10);

	private final Client client;

	private final KV kv;

	private final String prefix = "/jetcd/" + UUID.randomUUID() + "/";

	JetcdTests(@Autowired EtcdApiServer server) {
		this.client = Client.builder().endpoints("http://127.0.0.1:" + server.port()).build();
		this.kv = client.getKVClient();
	}

	@AfterEach
	void closeClient() {
		client.close();
	}

	@Test
	void putsGetsAndDeletesKeys() throws Exception {
		kv.put(key("a"), bytes("1")).get();
		kv.put(key("b"), bytes("2")).get();

		assertThat(kv.get(key("a")).get().getKvs()).singleElement()
				.satisfies(found -> assertThat(found.getValue()).isEqualTo(bytes("1")));
		assertThat(kv.get(key(""), GetOption.builder().isPrefix(true).build()).get().getKvs())
				.extracting(found -> found.getKey().toString(UTF_8))
				.containsExactly(prefix + "a", prefix + "b");

		var deleted = kv.delete(key(""), DeleteOption.builder().isPrefix(true).withPrevKV(true).build()).get();
		assertThat(deleted.getDeleted()).isEqualTo(2);
		assertThat(deleted.getPrevKvs()).extracting(KeyValue::getValue).containsExactly(bytes("1"), bytes("2"));
		assertThat(kv.get(key(""), GetOption.builder().isPrefix(true).withCountOnly(true).build()).get().getCount())
				.isZero();
	}

	@Test
	void appliesATxnsBranchByItsCompares() throws Exception {
		kv.put(key("lock"), bytes("free")).get();
		Cmp isFree = new Cmp(key("lock"), Cmp.Op.EQUAL, CmpTarget.value(bytes("free")));

		TxnResponse taken = kv.txn().If(isFree)
				.Then(Op.put(key("lock"), bytes("mine"), PutOption.DEFAULT))
				.Else(Op.get(key("lock"), GetOption.DEFAULT))
				.commit().get();
		TxnResponse refused = kv.txn().If(isFree)
				.Then(Op.put(key("lock"), bytes("theirs"), PutOption.DEFAULT))
				.Else(Op.get(key("lock"), GetOption.DEFAULT))
				.commit().get();

		assertThat(taken.isSucceeded()).isTrue();
		assertThat(taken.getPutResponses()).hasSize(1);
		assertThat(refused.isSucceeded()).isFalse();
		assertThat(refused.getGetResponses()).singleElement()
				.satisfies(get -> assertThat(get.getKvs().getFirst().getValue()).isEqualTo(bytes("mine")));
	}

	@Test
	void watchesFromAPastRevisionWithPreviousValues() throws Exception {
		long first = kv.put(key("a"), bytes("1")).get().getHeader().getRevision();
		kv.put(key("a"), bytes("2")).get();
		List<WatchEvent> events = new CopyOnWriteArrayList<>();
		WatchOption fromFirst = WatchOption.builder().isPrefix(true).withPrevKV(true).withRevision(first).build();

		try (Watch.Watcher watcher = client.getWatchClient().watch(key(""), fromFirst,
				response -> events.addAll(response.getEvents()))) {
			kv.delete(key("a")).get();

			await().atMost(PATIENCE).until(() -> events.size() == 3);
		}
		assertThat(events).extracting(WatchEvent::getEventType)
				.containsExactly(WatchEvent.EventType.PUT, WatchEvent.EventType.PUT, WatchEvent.EventType.DELETE);
		assertThat(events).extracting(event -> event.getKeyValue().getValue())
				.containsExactly(bytes("1"), bytes("2"), ByteSequence.EMPTY);
		assertThat(events).extracting(event -> event.getPrevKV().getValue())
				.containsExactly(ByteSequence.EMPTY, bytes("1"), bytes("2"));
	}

	@Test
	void keepsALeaseAliveAndDropsItsKeysWhenRevoked() throws Exception {
		Lease leases = client.getLeaseClient();
		long lease = leases.grant(30).get().getID();
		kv.put(key("session"), bytes("alive"), PutOption.builder().withLeaseId(lease).build()).get();
		List<LeaseKeepAliveResponse> keptAlive = new CopyOnWriteArrayList<>();

		try (var keepAlive = leases.keepAlive(lease, StreamObservers.addingTo(keptAlive))) {
			await().atMost(PATIENCE).until(() -> !keptAlive.isEmpty());
		}
		assertThat(keptAlive.getFirst().getTTL()).isEqualTo(30);
		assertThat(leases.timeToLive(lease, LeaseOption.builder().withAttachedKeys().build()).get().getKeys())
				.containsExactly(key("session"));

		leases.revoke(lease).get();
		assertThat(kv.get(key("session")).get().getKvs()).isEmpty();
		assertThat(leases.timeToLive(lease, LeaseOption.DEFAULT).get().getTTL()).isEqualTo(-1);
	}

	@Test
	void rejectsAnEmptyKeyAsAnInvalidArgument() {
		Status status = failureOf(kv.put(ByteSequence.EMPTY, bytes("v")));

		assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
		assertThat(status.getDescription()).isEqualTo("etcdserver: key is not provided");
	}

	@Test
	void rejectsAPutWithAnUnknownLeaseAndRevokingAnUnknownLeaseAsNotFound() {
		long unknown = 0x7eadbeefL;

		Status put = failureOf(kv.put(key("k"), bytes("v"), PutOption.builder().withLeaseId(unknown).build()));
		Status revoke = failureOf(client.getLeaseClient().revoke(unknown));

		assertThat(put.getCode()).isEqualTo(Status.Code.NOT_FOUND);
		assertThat(put.getDescription()).isEqualTo("etcdserver: requested lease not found");
		assertThat(revoke.getCode()).isEqualTo(Status.Code.NOT_FOUND);
		assertThat(revoke.getDescription()).isEqualTo("etcdserver: requested lease not found");
	}

	/** jetcd 0.8.7 hands a failed call's gRPC status through as it came, as etcd's Go client does. */
	private static Status failureOf(CompletableFuture<?> call) {
		assertThatThrownBy(() -> call.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
		return Status.fromThrowable(call.exceptionNow());
	}

	private ByteSequence key(String name) {
		return bytes(prefix + name);
	}

	private static ByteSequence bytes(String text) {
		return ByteSequence.from(text, UTF_8);
	}
}
