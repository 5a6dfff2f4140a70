package io.cleave.registry.grpc.client;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.cleave.registry.RegistryException;
import io.cleave.registry.Watch;
import io.cleave.registry.WatchEvent;
import io.cleave.registry.WatchListener;
import io.cleave.registry.WatchRequest;
import cleave.etcd.api.WatchCancelRequest;
import cleave.etcd.api.WatchGrpc;
import cleave.etcd.api.WatchProgressRequest;
import cleave.etcd.api.WatchResponse;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watch on its own bidirectional {@code Watch} stream. A stream per watch keeps a slow listener from holding up
 * any other watch (gRPC delivers each stream's messages in order on its own), and makes every response on the stream
 * this watch's own — etcd 3.4 answers a progress request with watch id -1, which a shared stream could not route.
 * HTTP/2 multiplexes the streams over the client's one connection per member.
 *
 * <p>The watch remembers the next revision it has not reported. When the stream breaks — etcd restarted, a member
 * went away — it opens a new one from that revision, after a randomised exponential backoff (gRPC's retry policies
 * cover only calls that have received nothing yet, so they cannot resume a stream), and so loses and repeats no
 * event. If etcd compacted that revision meanwhile, the listener hears so through
 * {@link WatchListener#onCanceled}.
 */
final class EtcdWatch implements Watch {

	private static final Logger log = LoggerFactory.getLogger(EtcdWatch.class);

	private static final long FIRST_BACKOFF_MILLIS = 100;

	private static final long MAX_BACKOFF_MILLIS = 5_000;

	private final ManagedChannel channel;

	private final WatchGrpc.WatchStub watches;

	private final WatchRequest request;

	private final WatchListener listener;

	private final ScheduledExecutorService scheduler;

	/** The client's open watches, which it cancels when it closes; this one is in it from start to end. */
	private final Set<EtcdWatch> openWatches;

	/** Guards the fields below and every listener call, so that none starts once {@link #cancel()} returned. */
	private final Object lock = new Object();

	private final CompletableFuture<Void> created = new CompletableFuture<>();

	/** The first revision not yet reported; 0 while a watch "from now" has not been created. */
	private long nextRevision;

	/** The revision etcd's first {@code created} response announced. */
	private volatile long createdRevision;

	private @Nullable Attempt attempt;

	private @Nullable ScheduledFuture<?> reconnect;

	private int failures;

	private boolean ended;

	EtcdWatch(ManagedChannel channel, WatchRequest request, WatchListener listener,
			ScheduledExecutorService scheduler, Set<EtcdWatch> openWatches) {
		this.channel = channel;
		// Wait for a connection rather than fail at once while etcd is down; the channel reconnects with backoff.
		this.watches = WatchGrpc.newStub(channel).withWaitForReady();
		this.request = request;
		this.listener = listener;
		this.scheduler = scheduler;
		this.openWatches = openWatches;
		this.nextRevision = request.startRevision();
	}

	/** Opens the stream and waits until etcd has created the watch, so that "from now" means from this call on. */
	EtcdWatch start(Duration timeout) {
		openWatches.add(this);
		synchronized (lock) {
			open();
		}
		try {
			created.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
			return this;
		}
		catch (TimeoutException ex) {
			cancel();
			throw new RegistryException(RegistryException.Reason.UNAVAILABLE,
					"etcd did not create the watch of " + request.range() + " within " + timeout.toMillis() + " ms", ex);
		}
		catch (ExecutionException ex) {
			cancel();
			throw EtcdErrors.toRegistryException(ex.getCause());
		}
		catch (InterruptedException ex) {
			cancel();
			Thread.currentThread().interrupt();
			throw new RegistryException(RegistryException.Reason.UNAVAILABLE, "interrupted while creating a watch", ex);
		}
	}

	@Override
	public long createdRevision() {
		return createdRevision;
	}

	@Override
	public void requestProgress() {
		synchronized (lock) {
			Attempt current = attempt;
			// Between streams there is no one to ask; the next stream resumes without a gap anyway.
			if (current != null && !ended) {
				current.send(cleave.etcd.api.WatchRequest.newBuilder()
						.setProgressRequest(WatchProgressRequest.getDefaultInstance())
						.build());
			}
		}
	}

	@Override
	public void cancel() {
		synchronized (lock) {
			if (ended) {
				return;
			}
			end();
		}
		created.complete(null);
	}

	/** Stops for good: no stream, no reconnect, no further listener call. Called with {@link #lock} held. */
	private void end() {
		ended = true;
		openWatches.remove(this);
		ScheduledFuture<?> pending = reconnect;
		if (pending != null) {
			pending.cancel(false);
		}
		Attempt current = attempt;
		attempt = null;
		if (current != null) {
			current.close();
		}
	}

	/** Opens a stream that creates the watch from {@link #nextRevision}. Called with {@link #lock} held. */
	private void open() {
		reconnect = null;
		Attempt next = new Attempt();
		attempt = next;
		watches.watch(next);
		next.send(cleave.etcd.api.WatchRequest.newBuilder()
				.setCreateRequest(EtcdMessages.watchCreateRequest(request, nextRevision))
				.build());
	}

	private void reconnectLater() {
		long ceiling = Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << Math.min(failures, 16));
		failures++;
		long delay = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
		try {
			reconnect = scheduler.schedule(this::reconnect, delay, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// The client is closing and cancels its watches: this one ends with it.
			end();
		}
	}

	private void reconnect() {
		synchronized (lock) {
			if (!ended) {
				// The channel may be far into its own reconnect backoff (up to 2 minutes); try a connection now.
				if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
					channel.resetConnectBackoff();
				}
				open();
			}
		}
	}

	/** One {@code Watch} call; a broken stream is replaced by a new attempt that resumes where it stopped. */
	private final class Attempt implements ClientResponseObserver<cleave.etcd.api.WatchRequest, WatchResponse> {

		private @Nullable ClientCallStreamObserver<cleave.etcd.api.WatchRequest> requests;

		private long watchId = -1;

		@Override
		public void beforeStart(ClientCallStreamObserver<cleave.etcd.api.WatchRequest> requestStream) {
			requests = requestStream;
		}

		/** Called with {@link #lock} held, which also serialises the writes to the request stream. */
		void send(cleave.etcd.api.WatchRequest message) {
			if (requests != null) {
				requests.onNext(message);
			}
		}

		/** Cancels the watch on etcd and closes the stream. Called with {@link #lock} held. */
		void close() {
			ClientCallStreamObserver<cleave.etcd.api.WatchRequest> open = requests;
			requests = null;
			if (open == null) {
				return;
			}
			if (watchId >= 0) {
				open.onNext(cleave.etcd.api.WatchRequest.newBuilder()
						.setCancelRequest(WatchCancelRequest.newBuilder().setWatchId(watchId))
						.build());
			}
			open.onCompleted();
			// etcd keeps a half-closed watch stream open until the client goes away: end the call as well.
			open.cancel("watch cancelled", null);
		}

		@Override
		public void onNext(WatchResponse response) {
			boolean firstCreated = false;
			synchronized (lock) {
				if (ended || attempt != this) {
					return;
				}
				long revision = response.getHeader().getRevision();
				if (response.getCreated()) {
					watchId = response.getWatchId();
					failures = 0;
					firstCreated = !created.isDone();
					if (firstCreated) {
						createdRevision = revision;
					}
					if (nextRevision == 0) {
						nextRevision = revision + 1;
					}
				}
				if (response.getCanceled() || response.getCompactRevision() != 0) {
					endCanceled(response);
				}
				else {
					deliver(response, revision);
				}
			}
			if (firstCreated) {
				created.complete(null);
			}
		}

		/** Hands events or progress to the listener. Called with {@link #lock} held. */
		private void deliver(WatchResponse response, long revision) {
			try {
				if (response.getEventsCount() > 0) {
					List<WatchEvent> events = EtcdMessages.watchEvents(response.getEventsList());
					nextRevision = events.getLast().revision() + 1;
					listener.onEvents(revision, events);
				}
				else if (isProgressNotification(response)) {
					// etcd promises that every event up to this revision has been sent on the stream: resuming after
					// it loses nothing. Nothing else without events moves the resume revision.
					nextRevision = Math.max(nextRevision, revision + 1);
					listener.onProgress(revision);
				}
			}
			catch (RuntimeException ex) {
				// As the embedded store does: a listener that throws ends its watch, and hears why.
				log.warn("Watch on {} failed and is cancelled", request.range(), ex);
				end();
				listener.onCanceled(new RegistryException(RegistryException.Reason.UNAVAILABLE,
						"etcdserver: watch failed: " + ex.getMessage(), ex), 0);
			}
		}

		/**
		 * etcd's {@code IsProgressNotify}, narrowed to this watch: no events, no state change, a revision, and either
		 * this watch's id or etcd's "every watch of the stream" (-1) — never another watch's word.
		 */
		private boolean isProgressNotification(WatchResponse response) {
			return response.getEventsCount() == 0 && !response.getCreated() && !response.getCanceled()
					&& response.getCompactRevision() == 0 && response.getHeader().getRevision() != 0
					&& (response.getWatchId() == watchId || response.getWatchId() == -1);
		}

		/** etcd ended the watch: compacted history, or a reason of its own. Called with {@link #lock} held. */
		private void endCanceled(WatchResponse response) {
			long compactRevision = response.getCompactRevision();
			RegistryException reason = compactRevision > 0 ? RegistryException.compacted()
					: new RegistryException(RegistryException.Reason.UNAVAILABLE, response.getCancelReason().isEmpty()
							? "etcd cancelled the watch of " + request.range()
							: response.getCancelReason());
			end();
			listener.onCanceled(reason, compactRevision);
			created.complete(null);
		}

		@Override
		public void onError(Throwable failure) {
			synchronized (lock) {
				if (ended || attempt != this) {
					return;
				}
				attempt = null;
				requests = null;
				if (EtcdErrors.isTransient(failure)) {
					log.debug("Watch on {} lost its stream; resuming from revision {}", request.range(), nextRevision,
							failure);
					reconnectLater();
					return;
				}
				RegistryException reason = EtcdErrors.toRegistryException(failure);
				end();
				if (!created.isDone()) {
					created.completeExceptionally(reason);
					return;
				}
				listener.onCanceled(reason, 0);
			}
		}

		@Override
		public void onCompleted() {
			onError(io.grpc.Status.UNAVAILABLE.withDescription("etcd closed the watch stream").asRuntimeException());
		}
	}
}
