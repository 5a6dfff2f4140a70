package io.cleave.registry.grpc.client;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.cleave.registry.Lease;
import io.cleave.registry.RegistryException;
import cleave.etcd.api.LeaseGrpc;
import cleave.etcd.api.LeaseKeepAliveRequest;
import cleave.etcd.api.LeaseKeepAliveResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.jspecify.annotations.Nullable;

/**
 * Keep-alives over one long-lived {@code LeaseKeepAlive} stream shared by every lease of the client, as etcd's own
 * client does: a node that keeps thousands of registrations alive sends one small message per renewal instead of
 * opening a stream (an HTTP/2 stream and a server goroutine) each time. etcd answers every request on the stream, in
 * order, with the lease's id, so the answers are matched to the callers by id, first come first served.
 *
 * <p>The stream is opened on first use. If it fails, or a renewal goes unanswered within the timeout, its waiting
 * callers fail with {@code UNAVAILABLE} and the next renewal opens a new stream.
 */
final class EtcdLeaseKeepAlive implements AutoCloseable {

	private final LeaseGrpc.LeaseStub leases;

	private final Duration timeout;

	private final Object lock = new Object();

	private @Nullable KeepAliveStream stream;

	private boolean closed;

	EtcdLeaseKeepAlive(LeaseGrpc.LeaseStub leases, Duration timeout) {
		this.leases = leases;
		this.timeout = timeout;
	}

	/** Renews a lease; empty if etcd no longer knows it (etcd answers with TTL 0). */
	Optional<Lease> keepAlive(long id) {
		CompletableFuture<LeaseKeepAliveResponse> answer = new CompletableFuture<>();
		KeepAliveStream sentOn;
		synchronized (lock) {
			if (closed) {
				throw new RegistryException(RegistryException.Reason.UNAVAILABLE, "the etcd client is closed");
			}
			if (stream == null) {
				stream = new KeepAliveStream();
				stream.open();
			}
			sentOn = stream;
			sentOn.send(id, answer);
		}
		try {
			LeaseKeepAliveResponse response = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
			return response.getTTL() <= 0 ? Optional.empty() : Optional.of(new Lease(response.getID(), response.getTTL()));
		}
		catch (ExecutionException ex) {
			throw EtcdErrors.toRegistryException(ex.getCause());
		}
		catch (TimeoutException ex) {
			// A stream that leaves a renewal unanswered is not trusted with the next one.
			sentOn.fail(Status.DEADLINE_EXCEEDED.withDescription("no keep-alive answer within " + timeout));
			throw new RegistryException(RegistryException.Reason.UNAVAILABLE,
					"etcd did not answer the keep-alive of lease " + id + " within " + timeout.toMillis() + " ms", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RegistryException(RegistryException.Reason.UNAVAILABLE,
					"interrupted while keeping lease " + id + " alive", ex);
		}
	}

	@Override
	public void close() {
		KeepAliveStream last;
		synchronized (lock) {
			closed = true;
			last = stream;
		}
		if (last != null) {
			last.fail(Status.CANCELLED.withDescription("the etcd client is closed"));
		}
	}

	/** One {@code LeaseKeepAlive} call and the callers waiting for its answers. */
	private final class KeepAliveStream implements StreamObserver<LeaseKeepAliveResponse> {

		/** Guarded by {@link #lock}: per lease id, the callers waiting for an answer, in the order they sent. */
		private final Map<Long, Queue<CompletableFuture<LeaseKeepAliveResponse>>> waiting = new HashMap<>();

		private @Nullable StreamObserver<LeaseKeepAliveRequest> requests;

		void open() {
			requests = leases.leaseKeepAlive(this);
		}

		/** Called with {@link #lock} held, which also serialises the writes to the request stream. */
		void send(long id, CompletableFuture<LeaseKeepAliveResponse> answer) {
			waiting.computeIfAbsent(id, key -> new ArrayDeque<>()).add(answer);
			if (requests != null) {
				requests.onNext(LeaseKeepAliveRequest.newBuilder().setID(id).build());
			}
		}

		@Override
		public void onNext(LeaseKeepAliveResponse response) {
			CompletableFuture<LeaseKeepAliveResponse> answer;
			synchronized (lock) {
				Queue<CompletableFuture<LeaseKeepAliveResponse>> queue = waiting.get(response.getID());
				answer = queue == null ? null : queue.poll();
				if (queue != null && queue.isEmpty()) {
					waiting.remove(response.getID());
				}
			}
			if (answer != null) {
				answer.complete(response);
			}
		}

		@Override
		public void onError(Throwable failure) {
			failWaiting(failure);
		}

		@Override
		public void onCompleted() {
			failWaiting(Status.UNAVAILABLE.withDescription("etcd closed the keep-alive stream").asRuntimeException());
		}

		/** Ends this stream: its waiting callers fail, and the next renewal opens a new one. */
		void fail(Status status) {
			StreamObserver<LeaseKeepAliveRequest> open;
			synchronized (lock) {
				open = requests;
				requests = null;
			}
			if (open != null) {
				open.onError(status.asRuntimeException());
			}
			failWaiting(status.asRuntimeException());
		}

		private void failWaiting(Throwable failure) {
			List<CompletableFuture<LeaseKeepAliveResponse>> abandoned = new ArrayList<>();
			synchronized (lock) {
				if (stream == this) {
					stream = null;
				}
				requests = null;
				waiting.values().forEach(abandoned::addAll);
				waiting.clear();
			}
			abandoned.forEach(answer -> answer.completeExceptionally(failure));
		}
	}
}
