package io.cleave.registry.grpc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.google.protobuf.ByteString;

import io.cleave.registry.Bytes;
import io.cleave.registry.KeyRange;
import io.cleave.registry.KeyValueStore;
import io.cleave.registry.Put;
import io.cleave.registry.Watch;
import io.cleave.registry.WatchEvent;
import io.cleave.registry.WatchListener;
import io.cleave.registry.Watches;
import cleave.etcd.api.Event;
import cleave.etcd.api.KVGrpc;
import cleave.etcd.api.PutRequest;
import cleave.etcd.api.WatchCancelRequest;
import cleave.etcd.api.WatchCreateRequest;
import cleave.etcd.api.WatchGrpc;
import cleave.etcd.api.WatchProgressRequest;
import cleave.etcd.api.WatchRequest;
import cleave.etcd.api.WatchResponse;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * What an etcd client relies on to resume a watch without loss, through the etcd API: the {@code created} response's
 * revision is the one the watch starts after, and a progress response names a revision only once every event up to
 * it has been sent on the stream.
 */
class EtcdWatchGuaranteesTests extends EtcdApiTestSupport {

	private static final Duration PATIENCE = Duration.ofSeconds(30);

	private final ManagedChannel channel;

	private final String prefix = "/guarantees/" + UUID.randomUUID() + "/";

	EtcdWatchGuaranteesTests(@Autowired EtcdApiServer server) {
		this.channel = plaintextChannel(server);
	}

	@AfterEach
	void closeChannel() throws InterruptedException {
		channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
	}

	@Test
	void everyWatchFromNowGetsEveryChangeAfterTheRevisionItsCreatedResponseAnnounced() throws Exception {
		int watchCount = 400;
		int eventsEach = 5;
		NavigableSet<Long> written = new ConcurrentSkipListSet<>();
		Map<Long, List<Long>> seen = new ConcurrentHashMap<>();
		BlockingQueue<WatchResponse> created = new LinkedBlockingQueue<>();
		StreamObserver<WatchRequest>[] requests = new StreamObserver[1];
		requests[0] = WatchGrpc.newStub(channel).watch(new StreamObserver<>() {
			@Override
			public void onNext(WatchResponse response) {
				if (response.getCreated()) {
					created.add(response);
				}
				List<Long> revisions = seen.computeIfAbsent(response.getWatchId(), id -> new CopyOnWriteArrayList<>());
				response.getEventsList().forEach(event -> revisions.add(event.getKv().getModRevision()));
				if (revisions.size() >= eventsEach && !response.getCanceled() && response.getEventsCount() > 0) {
					synchronized (requests) {
						requests[0].onNext(WatchRequest.newBuilder().setCancelRequest(
								WatchCancelRequest.newBuilder().setWatchId(response.getWatchId())).build());
					}
				}
			}

			@Override
			public void onError(Throwable failure) {
			}

			@Override
			public void onCompleted() {
			}
		});
		AtomicBoolean writing = new AtomicBoolean(true);
		Thread writer = Thread.ofPlatform().start(() -> {
			var kv = KVGrpc.newBlockingStub(channel);
			for (int i = 0; writing.get(); i++) {
				written.add(kv.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(prefix + (i % 20)))
						.setValue(ByteString.copyFromUtf8("v" + i)).build()).getHeader().getRevision());
			}
		});
		Map<Long, Long> announced = new ConcurrentHashMap<>();
		try {
			for (long id = 1; id <= watchCount; id++) {
				synchronized (requests) {
					requests[0].onNext(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
							.setWatchId(id)
							.setKey(ByteString.copyFromUtf8(prefix))
							.setRangeEnd(ByteString.copyFrom(Bytes.utf8(prefix).prefixEnd().unsafeArray()))).build());
				}
				WatchResponse response = created.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS);
				assertThat(response).as("created response of watch %d", id).isNotNull();
				announced.put(response.getWatchId(), response.getHeader().getRevision());
			}
			await().atMost(PATIENCE).until(() -> announced.keySet().stream()
					.allMatch(id -> seen.getOrDefault(id, List.of()).size() >= eventsEach));
		}
		finally {
			writing.set(false);
			writer.join();
			requests[0].onCompleted();
		}

		assertThat(announced).hasSize(watchCount).allSatisfy((id, revision) -> {
			List<Long> expected = written.tailSet(revision, false).stream().limit(eventsEach).toList();
			assertThat(seen.get(id).subList(0, eventsEach)).as("watch %d created at revision %d", id, revision)
					.isEqualTo(expected);
		});
	}

	@Test
	void aProgressResponseWaitsForTheEventsOfALaggingWatch(@Autowired Watches hub, @Autowired KeyValueStore store,
			@Autowired EtcdMember member) throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		AtomicBoolean quickReported = new AtomicBoolean();
		KeyRange lagging = KeyRange.prefix(prefix + "lagging/");
		// The hub itself; only the listener of one watch is held up, as a slow client would hold it.
		Watches gated = (request, listener) -> hub.watch(request, !request.range().equals(lagging)
				? reportingProgress(listener, quickReported)
				: new WatchListener() {
					@Override
					public void onEvents(long revision, List<WatchEvent> events) {
						try {
							release.await(PATIENCE.toSeconds(), TimeUnit.SECONDS);
						}
						catch (InterruptedException ex) {
							Thread.currentThread().interrupt();
						}
						listener.onEvents(revision, events);
					}

					@Override
					public void onProgress(long revision) {
						listener.onProgress(revision);
					}

					@Override
					public void onCanceled(io.cleave.registry.RegistryException reason, long compactRevision) {
						listener.onCanceled(reason, compactRevision);
					}
				});
		List<WatchResponse> responses = new CopyOnWriteArrayList<>();
		WatchStream stream = new WatchStream(gated, store, member, StreamObservers.addingTo(responses), Long.MAX_VALUE);
		stream.onNext(create(lagging));
		stream.onNext(create(KeyRange.prefix(prefix + "quick/")));
		long lagged = store.put(Put.of(prefix + "lagging/1", "held up")).revision();
		long quick = store.put(Put.of(prefix + "quick/1", "goes through")).revision();
		await().atMost(PATIENCE).until(() -> responses.stream().anyMatch(r -> r.getEventsCount() > 0));

		stream.onNext(WatchRequest.newBuilder().setProgressRequest(WatchProgressRequest.getDefaultInstance()).build());
		// Held until the quick watch has answered the request (or a dishonest answer is out already): from then
		// on nothing but the lagging watch stands between the request and its answer.
		await().atMost(PATIENCE).until(() -> quickReported.get()
				|| responses.stream().anyMatch(r -> r.getWatchId() == -1));
		release.countDown();

		await().atMost(PATIENCE).until(() -> responses.stream().anyMatch(r -> r.getWatchId() == -1));
		stream.close();
		List<Long> order = new ArrayList<>();
		long progress = 0;
		for (WatchResponse response : responses) {
			if (response.getWatchId() == -1) {
				progress = response.getHeader().getRevision();
				break;
			}
			response.getEventsList().stream().map(Event::getKv).forEach(kv -> order.add(kv.getModRevision()));
		}
		assertThat(progress).isGreaterThanOrEqualTo(lagged);
		long answered = progress;
		assertThat(order).as("events sent before the progress response at %d", answered)
				.containsAll(List.of(lagged, quick).stream().filter(r -> r <= answered).toList());
	}

	private static WatchRequest create(KeyRange range) {
		return WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
				.setKey(ByteString.copyFrom(range.key().unsafeArray()))
				.setRangeEnd(ByteString.copyFrom(range.end().unsafeArray()))).build();
	}

	/** {@code listener}, noting once the hub has reported a progress to it. */
	private static WatchListener reportingProgress(WatchListener listener, AtomicBoolean reported) {
		return new WatchListener() {
			@Override
			public void onEvents(long revision, List<WatchEvent> events) {
				listener.onEvents(revision, events);
			}

			@Override
			public void onProgress(long revision) {
				listener.onProgress(revision);
				reported.set(true);
			}

			@Override
			public void onCanceled(io.cleave.registry.RegistryException reason, long compactRevision) {
				listener.onCanceled(reason, compactRevision);
			}
		};
	}

}
