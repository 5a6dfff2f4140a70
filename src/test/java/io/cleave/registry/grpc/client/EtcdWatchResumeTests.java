package io.cleave.registry.grpc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.cleave.registry.KeyRange;
import io.cleave.registry.RecordingListener;
import io.cleave.registry.Watch;
import io.cleave.registry.WatchRequest;
import cleave.etcd.api.ResponseHeader;
import cleave.etcd.api.WatchCreateRequest;
import cleave.etcd.api.WatchGrpc;
import cleave.etcd.api.WatchResponse;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Where the external-etcd client resumes a broken watch stream: after the last event, or after a revision etcd
 * declared complete in a progress notification — and after nothing else. A scripted etcd on loopback plays the
 * responses a real one could send.
 */
class EtcdWatchResumeTests {

	private final BlockingQueue<WatchCreateRequest> creates = new LinkedBlockingQueue<>();

	private final BlockingQueue<StreamObserver<WatchResponse>> streams = new LinkedBlockingQueue<>();

	private final Server etcd;

	private final EtcdGrpcClient client;

	EtcdWatchResumeTests() throws Exception {
		etcd = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
				.addService(new WatchGrpc.WatchImplBase() {
					@Override
					public StreamObserver<cleave.etcd.api.WatchRequest> watch(
							StreamObserver<WatchResponse> responses) {
						streams.add(responses);
						return new StreamObserver<>() {
							@Override
							public void onNext(cleave.etcd.api.WatchRequest request) {
								if (request.hasCreateRequest()) {
									creates.add(request.getCreateRequest());
								}
							}

							@Override
							public void onError(Throwable failure) {
							}

							@Override
							public void onCompleted() {
							}
						};
					}
				})
				.build()
				.start();
		client = new EtcdGrpcClient(List.of(URI.create("http://127.0.0.1:" + etcd.getPort())), Duration.ofSeconds(5));
	}

	@AfterEach
	void stop() throws InterruptedException {
		client.close();
		etcd.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
	}

	@Test
	void resumesAfterTheCreatedRevisionWhenNothingButAnotherWatchsProgressCameSince() throws Exception {
		RecordingListener listener = new RecordingListener();
		Thread.ofVirtual().start(() -> {
			// etcd's side of the first stream: created at revision 10, then word about some other watch at 50.
			StreamObserver<WatchResponse> stream = take(streams);
			take(creates);
			stream.onNext(response(0, 10).setCreated(true).build());
			stream.onNext(response(7, 50).build());
			stream.onNext(response(0, 0).build()); // no revision: not a progress notification either
			stream.onError(Status.UNAVAILABLE.withDescription("etcd restarting").asRuntimeException());
		});

		try (Watch watch = client.watch(WatchRequest.of(KeyRange.prefix("/resume/")), listener)) {
			assertThat(watch.createdRevision()).isEqualTo(10);
			WatchCreateRequest resumed = creates.poll(10, TimeUnit.SECONDS);

			assertThat(resumed).as("the create request of the resumed stream").isNotNull();
			assertThat(resumed.getStartRevision()).isEqualTo(11);
			assertThat(listener.progress()).isEmpty();
		}
	}

	@Test
	void resumesAfterTheRevisionOfAProgressNotification() throws Exception {
		RecordingListener listener = new RecordingListener();
		Thread.ofVirtual().start(() -> {
			StreamObserver<WatchResponse> stream = take(streams);
			take(creates);
			stream.onNext(response(0, 10).setCreated(true).build());
			stream.onNext(response(-1, 42).build()); // etcd's answer to a progress request: every watch is at 42
			stream.onError(Status.UNAVAILABLE.withDescription("etcd restarting").asRuntimeException());
		});

		try (Watch watch = client.watch(WatchRequest.of(KeyRange.prefix("/resume/")), listener)) {
			WatchCreateRequest resumed = creates.poll(10, TimeUnit.SECONDS);

			assertThat(resumed).as("the create request of the resumed stream").isNotNull();
			assertThat(resumed.getStartRevision()).isEqualTo(43);
			await().until(() -> listener.progress().equals(List.of(42L)));
		}
	}

	private static WatchResponse.Builder response(long watchId, long revision) {
		return WatchResponse.newBuilder().setWatchId(watchId)
				.setHeader(ResponseHeader.newBuilder().setRevision(revision));
	}

	private static <T> T take(BlockingQueue<T> queue) {
		try {
			return queue.take();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}
}
