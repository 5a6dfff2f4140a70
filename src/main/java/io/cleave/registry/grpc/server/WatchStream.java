package io.cleave.registry.grpc.server;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

import io.cleave.registry.KeyValueStore;
import io.cleave.registry.RegistryException;
import io.cleave.registry.Watch;
import io.cleave.registry.WatchEvent;
import io.cleave.registry.WatchListener;
import io.cleave.registry.Watches;
import cleave.etcd.api.WatchCreateRequest;
import cleave.etcd.api.WatchRequest;
import cleave.etcd.api.WatchResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * One client's watch stream, answering as etcd 3.4 does: a {@code created} response before any event of a watch,
 * ids chosen by the client or counted from 0, a {@code canceled} response after which the watch sends nothing, and
 * {@code compact_revision} on a watch whose history was compacted away.
 *
 * <p>Responses go out under this object's lock: listeners of several watches call in on their own threads, and a
 * gRPC stream takes one message at a time.
 */
final class WatchStream implements StreamObserver<WatchRequest> {

	/** etcd's reply to a progress request is meant for every watch of the stream, and names none. */
	static final long ALL_WATCHES = -1;

	private final Watches watches;

	private final KeyValueStore store;

	private final EtcdMember member;

	private final StreamObserver<WatchResponse> responses;

	private final long responseLimit;

	/** Guarded by {@code this}. */
	private final Map<Long, Watcher> watchers = new HashMap<>();

	/** Guarded by {@code this}. */
	private long nextId;

	/** Guarded by {@code this}: no watch runs and nothing more is sent. */
	private boolean closed;

	/** Guarded by {@code this}: the response stream has been ended. */
	private boolean ended;

	/** Guarded by {@code this}: the progress request being answered, if any. */
	private @Nullable ProgressRound progressRound;

	private final ReentrantLock readiness = new ReentrantLock();

	private final Condition writable = readiness.newCondition();

	WatchStream(Watches watches, KeyValueStore store, EtcdMember member, StreamObserver<WatchResponse> responses,
			long responseLimit) {
		this.watches = watches;
		this.store = store;
		this.member = member;
		this.responses = responses;
		this.responseLimit = responseLimit;
	}

	@Override
	public void onNext(WatchRequest request) {
		try {
			switch (request.getRequestUnionCase()) {
				case CREATE_REQUEST -> create(request.getCreateRequest());
				case CANCEL_REQUEST -> cancel(request.getCancelRequest().getWatchId());
				case PROGRESS_REQUEST -> requestProgress();
				case REQUESTUNION_NOT_SET -> {
					// etcd ignores an empty request too.
				}
			}
		}
		catch (RuntimeException failure) {
			// The store failed (a bad request only cancels its own watch): end the stream, as etcd does.
			end(failure);
		}
	}

	@Override
	public void onError(Throwable failure) {
		close();
	}

	@Override
	public void onCompleted() {
		end(null);
	}

	/** Ends every watch of the stream; nothing is sent afterwards. */
	void close() {
		List<Watcher> stopped;
		synchronized (this) {
			closed = true;
			stopped = new ArrayList<>(watchers.values());
			watchers.clear();
			progressRound = null;
		}
		stopped.forEach(Watcher::stop);
		onReady(); // wake watches waiting for a client that is gone
	}

	/** gRPC's signal that the client takes messages again: watches held back by flow control may go on. */
	void onReady() {
		readiness.lock();
		try {
			writable.signalAll();
		}
		finally {
			readiness.unlock();
		}
	}

	/**
	 * Holds a watch back while the client does not take messages (gRPC flow control), rather than queueing its
	 * events in memory. The watch's own thread waits; the store's watch hub lets it fall behind and catch up from
	 * history later, so a slow client costs memory for nothing and delays nobody else.
	 */
	private void awaitWritable(Watcher watcher) {
		if (!(responses instanceof ServerCallStreamObserver<WatchResponse> call)) {
			return;
		}
		readiness.lock();
		try {
			while (!call.isReady() && !watcher.stopped && !isClosed()) {
				// Timed, so a readiness signal that raced this check costs a moment, not the watch.
				writable.await(100, TimeUnit.MILLISECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			readiness.unlock();
		}
	}

	private synchronized boolean isClosed() {
		return closed;
	}

	/** Closes the stream and ends the response stream, once: normally, or with the failure's status. */
	private void end(@Nullable RuntimeException failure) {
		close();
		synchronized (this) {
			if (ended) {
				return;
			}
			ended = true;
			if (failure == null) {
				responses.onCompleted();
			}
			else {
				responses.onError(GrpcErrors.toStatus(failure));
			}
		}
	}

	private void create(WatchCreateRequest create) {
		io.cleave.registry.WatchRequest request;
		try {
			request = EtcdRequests.watch(create);
		}
		catch (RegistryException invalid) {
			send(failedToCreate(revisionIfKnown(), invalid.getMessage()));
			return;
		}
		synchronized (this) {
			if (closed) {
				return;
			}
			long id = create.getWatchId() != 0 ? create.getWatchId() : freeId();
			if (watchers.containsKey(id)) {
				responses.onNext(failedToCreate(revisionIfKnown(),
						"mvcc: duplicate watch ID provided on the WatchStream"));
				return;
			}
			Watcher watcher = new Watcher(id, create.getFragment());
			watchers.put(id, watcher);
			Watch watch;
			try {
				watch = watches.watch(request, watcher);
			}
			catch (RegistryException failure) {
				responses.onNext(response(id, revisionIfKnown()).setCreated(true).build());
				watcher.onCanceled(failure, 0);
				return;
			}
			// The revision the watch itself starts after, so a client resuming from it loses nothing. Sent under the
			// lock every response of the stream takes, so before the watch's first event.
			responses.onNext(response(id, watch.createdRevision()).setCreated(true).build());
			watcher.start(watch);
			if (progressRound != null) {
				// Announced before the answer to a pending progress request, so the answer must hold for it too.
				progressRound.add(watcher);
				watch.requestProgress();
			}
		}
	}

	private void cancel(long id) {
		long revision = revisionIfKnown();
		Watcher watcher;
		synchronized (this) {
			watcher = watchers.remove(id);
			if (watcher == null) {
				return; // etcd ignores a cancel for a watch it does not have
			}
			responses.onNext(response(id, revision).setCanceled(true).build());
			leaveProgressRound(watcher);
		}
		watcher.stop();
	}

	/**
	 * Answers a progress request once every watch of the stream has said it delivered everything up to some revision,
	 * with the lowest of those: a client may then resume any of its watches after it and lose nothing (etcd fixed its
	 * own answer, which named the store's revision while events were still queued, in 3.4.25 and 3.5.8).
	 */
	private void requestProgress() {
		List<Watcher> asked;
		synchronized (this) {
			if (closed || progressRound != null) {
				return; // the round under way answers this request too
			}
			if (watchers.isEmpty()) {
				responses.onNext(response(ALL_WATCHES, revisionIfKnown()).build());
				return;
			}
			progressRound = new ProgressRound(watchers.values());
			asked = List.copyOf(watchers.values());
		}
		asked.forEach(Watcher::requestProgress);
	}

	/** Called with {@code this} locked: a watch that reported, or ended, is no longer waited for. */
	private void leaveProgressRound(Watcher watcher) {
		ProgressRound round = progressRound;
		if (round != null && round.awaited.remove(watcher) && round.awaited.isEmpty()) {
			progressRound = null;
			if (!closed) {
				responses.onNext(response(ALL_WATCHES, round.revision == Long.MAX_VALUE ? revisionIfKnown()
						: round.revision).build());
			}
		}
	}

	/** The lowest id from {@code nextId} on that is not in use, as etcd's watch stream counts. */
	private long freeId() {
		while (watchers.containsKey(nextId)) {
			nextId++;
		}
		return nextId++;
	}

	/** The store's revision, or 0 when the store cannot say (it may be why a watch ended). */
	private long revisionIfKnown() {
		try {
			return store.revision();
		}
		catch (RuntimeException unavailable) {
			return 0;
		}
	}

	private WatchResponse failedToCreate(long revision, @Nullable String reason) {
		return response(-1, revision).setCreated(true).setCanceled(true)
				.setCancelReason(reason == null ? "" : reason).build();
	}

	private WatchResponse.Builder response(long id, long revision) {
		return WatchResponse.newBuilder().setHeader(member.header(revision)).setWatchId(id);
	}

	private synchronized void send(WatchResponse response) {
		if (!closed) {
			responses.onNext(response);
		}
	}

	/** Sends a watch's response unless the watch has been cancelled or the stream closed. */
	private synchronized void send(Watcher watcher, WatchResponse response) {
		if (!closed && watchers.get(watcher.id) == watcher) {
			responses.onNext(response);
		}
	}

	/** One watch of the stream: receives the store's calls and turns them into responses. */
	private final class Watcher implements WatchListener {

		private final long id;

		private final boolean fragment;

		private volatile @Nullable Watch watch;

		private volatile boolean stopped;

		Watcher(long id, boolean fragment) {
			this.id = id;
			this.fragment = fragment;
		}

		void start(Watch started) {
			watch = started;
			if (stopped) {
				started.cancel(); // cancelled (or the stream closed) while the watch was being set up
			}
		}

		void requestProgress() {
			Watch started = watch;
			if (started != null) {
				started.requestProgress();
			}
		}

		void stop() {
			stopped = true;
			Watch started = watch;
			if (started != null) {
				started.cancel();
			}
		}

		@Override
		public void onEvents(long revision, List<WatchEvent> events) {
			awaitWritable(this);
			for (WatchResponse response : WatchResponses.split(response(id, revision), events, responseLimit, fragment)) {
				send(this, response);
			}
		}

		/** Counts towards the stream's pending progress request if there is one, else is this watch's own. */
		@Override
		public void onProgress(long revision) {
			synchronized (WatchStream.this) {
				ProgressRound round = progressRound;
				if (round != null && round.awaited.contains(this)) {
					round.revision = Math.min(round.revision, revision);
					leaveProgressRound(this);
				}
				else {
					send(this, response(id, revision).build());
				}
			}
		}

		/** etcd marks a compacted watch by {@code compact_revision}; the reason is for people. */
		@Override
		public void onCanceled(RegistryException reason, long compactRevision) {
			WatchResponse response = response(id, Math.max(compactRevision, revisionIfKnown()))
					.setCanceled(true)
					.setCompactRevision(compactRevision)
					.setCancelReason(String.valueOf(reason.getMessage()))
					.build();
			synchronized (WatchStream.this) {
				send(this, response);
				watchers.remove(id, this);
				leaveProgressRound(this);
			}
		}
	}

	/** The watches a progress request still waits for, and the lowest revision reported so far. */
	private static final class ProgressRound {

		final Set<Watcher> awaited;

		long revision = Long.MAX_VALUE;

		ProgressRound(Collection<Watcher> watchers) {
			this.awaited = new HashSet<>(watchers);
		}

		void add(Watcher watcher) {
			awaited.add(watcher);
		}
	}
}
