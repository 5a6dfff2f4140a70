package io.cleave.registry.grpc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.cleave.registry.RegistryProperties;
import cleave.etcd.api.MaintenanceGrpc;
import cleave.etcd.api.StatusRequest;
import cleave.etcd.api.StatusResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server's life cycle on its own, with a stand-in service whose calls finish when the test says: a free port
 * for port 0, a grace period for calls under way when it stops, and a clear failure when its port is taken.
 */
class EtcdApiServerTests {

	private static final long LIMIT = RegistryProperties.Limits.DEFAULTS.requestSize().toBytes();

	private final CountDownLatch arrived = new CountDownLatch(1);

	private final CountDownLatch answer = new CountDownLatch(1);

	private final EtcdApiServer server = new EtcdApiServer(settings(0), LIMIT, List.of(new AnswersWhenTold()), Set.of());

	private ManagedChannel channel;

	@AfterEach
	void cleanUp() throws InterruptedException {
		answer.countDown();
		server.stop();
		if (channel != null) {
			channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
		}
	}

	@Test
	void servesOnAFreePortWhenTheConfiguredPortIsZero() {
		server.start();

		assertThat(server.isRunning()).isTrue();
		assertThat(server.port()).isPositive();
	}

	@Test
	void stopLetsACallUnderWayFinishWithinTheGrace() throws Exception {
		server.start();
		Future<StatusResponse> call = callStatus();
		assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();

		CompletableFuture<Void> stopped = CompletableFuture.runAsync(server::stop);
		answer.countDown();

		assertThat(call.get(10, TimeUnit.SECONDS).getVersion()).isEqualTo("answered");
		stopped.get(10, TimeUnit.SECONDS);
		assertThat(server.isRunning()).isFalse();
	}

	@Test
	void stopCutsACallStillUnderWayAfterTheGrace() throws Exception {
		server.start();
		Future<StatusResponse> call = callStatus();
		assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();

		long started = System.nanoTime();
		server.stop();

		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(EtcdApiServer.GRACE.multipliedBy(3));
		assertThatExceptionOfType(Exception.class).isThrownBy(() -> call.get(10, TimeUnit.SECONDS))
				.havingRootCause().isInstanceOf(StatusRuntimeException.class)
				.matches(failure -> ((StatusRuntimeException) failure).getStatus().getCode() == Status.Code.UNAVAILABLE
						|| ((StatusRuntimeException) failure).getStatus().getCode() == Status.Code.CANCELLED);
	}

	@Test
	void failsToStartOnATakenPortNamingTheSettings() throws IOException {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			EtcdApiServer second = new EtcdApiServer(settings(taken.getLocalPort()), LIMIT,
					List.of(new AnswersWhenTold()), Set.of());

			assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(second::start)
					.withMessage("could not serve etcd's API on 127.0.0.1:" + taken.getLocalPort()
							+ " (cleave.registry.etcd-api.*)");
			assertThat(second.isRunning()).isFalse();
		}
	}

	private Future<StatusResponse> callStatus() {
		channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(), InsecureChannelCredentials.create())
				.build();
		return MaintenanceGrpc.newFutureStub(channel).status(StatusRequest.getDefaultInstance());
	}

	private static RegistryProperties.EtcdApi settings(int port) {
		return RegistryProperties.EtcdApi.loopback(port);
	}

	/** Answers {@code Status} once the test counts {@code answer} down. */
	private final class AnswersWhenTold extends MaintenanceGrpc.MaintenanceImplBase {

		@Override
		public void status(StatusRequest request, StreamObserver<StatusResponse> observer) {
			arrived.countDown();
			try {
				if (answer.await(30, TimeUnit.SECONDS)) {
					observer.onNext(StatusResponse.newBuilder().setVersion("answered").build());
					observer.onCompleted();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}
}
