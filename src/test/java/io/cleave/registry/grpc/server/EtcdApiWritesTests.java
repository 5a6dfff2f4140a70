package io.cleave.registry.grpc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.ByteString;

import cleave.etcd.api.Event;
import cleave.etcd.api.KVGrpc;
import cleave.etcd.api.PutRequest;
import cleave.etcd.api.PutResponse;
import cleave.etcd.api.RangeRequest;
import cleave.etcd.api.RangeResponse;
import cleave.etcd.api.WatchCreateRequest;
import cleave.etcd.api.WatchGrpc;
import cleave.etcd.api.WatchRequest;
import cleave.etcd.api.WatchResponse;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Writes through the etcd API, which are answered when the group commit holding them is durable rather than by a
 * thread waiting for each: many at once, and a commit the database refuses.
 */
class EtcdApiWritesTests extends EtcdApiTestSupport {

	private static final Duration PATIENCE = Duration.ofSeconds(20);

	private final ManagedChannel channel;

	private final KVGrpc.KVFutureStub kv;

	private final String prefix = "/writes/" + UUID.randomUUID() + "/";

	EtcdApiWritesTests(@Autowired EtcdApiServer server) {
		this.channel = plaintextChannel(server);
		this.kv = KVGrpc.newFutureStub(channel);
	}

	@AfterEach
	void closeChannel() throws InterruptedException {
		channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
	}

	@Test
	void putsSentTogetherAreEachAcknowledgedWithTheirOwnRevisionAndSeenByAReadAndAWatch() throws Exception {
		List<WatchResponse> watched = new java.util.concurrent.CopyOnWriteArrayList<>();
		StreamObserver<WatchRequest> watch = WatchGrpc.newStub(channel).watch(StreamObservers.addingTo(watched));
		watch.onNext(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder().setKey(key(""))
				.setRangeEnd(prefixEnd())).build());
		await().atMost(PATIENCE).until(() -> !watched.isEmpty());
		// 400 puts in flight at once, four to each of 100 keys: each key's puts are sent one after the other.
		Map<String, List<ListenableFuture<PutResponse>>> byKey = new HashMap<>();
		for (int round = 0; round < 4; round++) {
			for (int k = 0; k < 100; k++) {
				String name = "k" + k;
				byKey.computeIfAbsent(name, n -> new ArrayList<>()).add(kv.put(PutRequest.newBuilder().setKey(key(name))
						.setValue(ByteString.copyFromUtf8(name + "@" + round)).build()));
			}
		}
		Map<Long, String> acknowledged = new HashMap<>();
		Map<String, Long> lastOf = new HashMap<>();
		for (var entry : byKey.entrySet()) {
			long previous = 0;
			for (int round = 0; round < 4; round++) {
				long revision = entry.getValue().get(round).get(PATIENCE.toSeconds(), TimeUnit.SECONDS).getHeader()
						.getRevision();
				assertThat(revision).as("a key's puts in the order sent").isGreaterThan(previous);
				assertThat(acknowledged.put(revision, entry.getKey() + "@" + round)).as("revision %d given twice",
						revision).isNull();
				previous = revision;
			}
			lastOf.put(entry.getKey(), previous);
		}

		RangeResponse read = kv.range(RangeRequest.newBuilder().setKey(key("")).setRangeEnd(prefixEnd()).build())
				.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
		assertThat(read.getHeader().getRevision()).isGreaterThanOrEqualTo(acknowledged.keySet().stream()
				.mapToLong(Long::longValue).max().orElseThrow());
		assertThat(read.getKvsList()).hasSize(100).allSatisfy(kv -> {
			String name = kv.getKey().toStringUtf8().substring(prefix.length());
			assertThat(kv.getModRevision()).isEqualTo(lastOf.get(name));
			assertThat(kv.getValue().toStringUtf8()).isEqualTo(name + "@3");
			assertThat(kv.getVersion()).isEqualTo(4);
		});
		await().atMost(PATIENCE).until(() -> events(watched).size() >= 400);
		List<Event> events = events(watched);
		assertThat(events).hasSize(400);
		assertThat(events).extracting(e -> e.getKv().getModRevision())
				.as("every acknowledged put, once, in revision order")
				.containsExactlyElementsOf(acknowledged.keySet().stream().sorted().toList());
		assertThat(events).allSatisfy(e -> assertThat(e.getKv().getKey().toStringUtf8().substring(prefix.length())
				+ "@" + (e.getKv().getVersion() - 1)).isEqualTo(acknowledged.get(e.getKv().getModRevision())));
		watch.onCompleted();
	}

	/**
	 * The database refuses a value (a constraint added for this test): that put, and any sent with it that shared its
	 * commit, is answered {@code INTERNAL} and left unstored, while every put that was acknowledged is stored.
	 */
	@Test
	void putsInACommitTheDatabaseRefusesAreAnsweredInternalAndNoneIsStored(@Autowired DataSource dataSource)
			throws Exception {
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		jdbc.execute("alter table registry_key add constraint etcd_api_poison check (octet_length(value_bytes) <> 13)");
		try {
			List<ListenableFuture<PutResponse>> puts = new ArrayList<>();
			for (int i = 0; i < 40; i++) {
				String value = i % 10 == 5 ? "13 bytes long" : "fine";
				puts.add(kv.put(PutRequest.newBuilder().setKey(key("k" + i)).setValue(ByteString.copyFromUtf8(value))
						.build()));
			}
			List<String> stored = new ArrayList<>();
			List<String> refused = new ArrayList<>();
			for (int i = 0; i < 40; i++) {
				try {
					puts.get(i).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
					stored.add(prefix + "k" + i);
				}
				catch (ExecutionException failure) {
					Status status = ((StatusRuntimeException) failure.getCause()).getStatus();
					assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
					assertThat(status.getDescription()).startsWith("etcdserver: internal error: ");
					refused.add(prefix + "k" + i);
				}
			}

			assertThat(refused).contains(prefix + "k5", prefix + "k15", prefix + "k25", prefix + "k35");
			RangeResponse read = kv.range(RangeRequest.newBuilder().setKey(key("")).setRangeEnd(prefixEnd()).build())
					.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
			assertThat(read.getKvsList()).extracting(kv -> kv.getKey().toStringUtf8())
					.containsExactlyInAnyOrderElementsOf(stored);
		}
		finally {
			jdbc.execute("alter table registry_key drop constraint etcd_api_poison");
		}
		assertThat(kv.put(PutRequest.newBuilder().setKey(key("after")).setValue(ByteString.copyFromUtf8("13 bytes long"))
				.build()).get(PATIENCE.toSeconds(), TimeUnit.SECONDS).getHeader().getRevision()).isPositive();
	}

	private static List<Event> events(List<WatchResponse> responses) {
		return responses.stream().flatMap(r -> r.getEventsList().stream()).toList();
	}

	private ByteString key(String name) {
		return ByteString.copyFromUtf8(prefix + name);
	}

	private ByteString prefixEnd() {
		byte[] end = prefix.getBytes(java.nio.charset.StandardCharsets.UTF_8);
		end[end.length - 1]++;
		return ByteString.copyFrom(end);
	}
}
