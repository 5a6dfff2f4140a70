package io.cleave.registry.jooq;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * Group commit without a thread of its own: callers queue their work and wait; whichever waiting caller finds no
 * commit under way takes everything queued (up to a bound) and commits it as one batch for all of them.
 *
 * <p>A caller whose work was committed by someone else returns as soon as it is told, without queueing for the
 * committer's seat: were it to wait for the seat (as a plain lock would make it), it would sit out the next batch
 * too, and batches would shrink to one or two however many callers write at once. When a batch is done and work is
 * still queued, the committer wakes the caller of the oldest, which takes the seat next.
 *
 * <p>Work can also be queued without a caller waiting for it ({@link #submitAsync}): its result completes when its
 * batch is committed. Whoever holds the seat commits both kinds alike. Asynchronous work that finds no commit under
 * way is committed at once by the {@code drainer} (one thread), which goes on committing whatever was queued
 * meanwhile; a waiting caller leaving the seat with asynchronous work at the head of the queue hands it to the
 * drainer too, rather than commit it on its own caller's time. A lone waiting caller still commits on its own thread,
 * with no hand-over.
 *
 * @param <M> what a caller queues
 */
final class GroupCommit<M extends GroupCommit.Member<?>> {

	private final Queue<M> queue = new ConcurrentLinkedQueue<>();

	private final ReentrantLock seat = new ReentrantLock();

	private final int maxBatch;

	private final Consumer<List<M>> commit;

	private final Executor drainer;

	/** Whether a drain is queued on the drainer and has not started yet. */
	private final AtomicBoolean drainScheduled = new AtomicBoolean();

	/** A group commit whose asynchronous work, if any, the thread submitting it commits when the seat is free. */
	GroupCommit(int maxBatch, Consumer<List<M>> commit) {
		this(maxBatch, commit, Runnable::run);
	}

	/**
	 * @param commit commits a batch, completing each member's result; a member it leaves incomplete fails
	 * @param drainer commits asynchronous work that a waiting caller leaves queued when it gives up the seat
	 */
	GroupCommit(int maxBatch, Consumer<List<M>> commit, Executor drainer) {
		this.maxBatch = maxBatch;
		this.commit = commit;
		this.drainer = drainer;
	}

	/**
	 * Queues {@code member}, whose result completes once it is committed, without waiting for that and without
	 * committing on this thread (which may be one that must not block, such as a network event loop): if no commit is
	 * under way the drainer commits it at once, with whatever else is queued by then; otherwise whoever holds the
	 * seat commits it with the next batch.
	 */
	void submitAsync(M member) {
		queue.add(member);
		if (!seat.isLocked()) {
			scheduleDrain();
		}
	}

	/** Has the drainer commit what is queued, unless it is about to already. */
	private void scheduleDrain() {
		if (drainScheduled.compareAndSet(false, true)) {
			drainer.execute(() -> {
				drainScheduled.set(false);
				drain();
			});
		}
	}

	/**
	 * Commits batches while work is queued and the seat is free. Each batch takes the seat anew, so a waiting caller
	 * can take its turn between two; a member queued just as the seat is given up is seen by the next look at the
	 * queue, or its submitter finds the seat free.
	 */
	private void drain() {
		while (!queue.isEmpty() && seat.tryLock()) {
			boolean committed = false;
			try {
				commitQueued();
				committed = true;
			}
			finally {
				seat.unlock();
				if (!committed) { // a bug in the commit: its batch has failed; leave the rest to another run
					wakeNext();
				}
			}
		}
	}

	/** Wakes whoever commits the oldest queued member next: its waiting caller, or the drainer. */
	private void wakeNext() {
		M next = queue.peek();
		if (next == null) {
			return;
		}
		Thread caller = next.caller();
		if (caller != null) {
			LockSupport.unpark(caller);
		}
		else {
			scheduleDrain();
		}
	}

	/** Queues {@code member}, waits until it is committed (by this caller or another) and returns its result. */
	<T> T submit(M member, CompletableFuture<T> result) {
		queue.add(member);
		boolean interrupted = false;
		while (!result.isDone()) {
			if (seat.tryLock()) {
				try {
					if (!result.isDone()) {
						commitQueued();
					}
				}
				finally {
					seat.unlock();
				}
				wakeNext();
			}
			else {
				// Woken when this member completes or when its turn to commit comes; a spurious return just looks again.
				LockSupport.park(this);
				// Queued work cannot be withdrawn: finish waiting for it, and leave the interrupt for the caller.
				interrupted |= Thread.interrupted();
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
		try {
			return result.join();
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof RuntimeException failure) {
				throw failure;
			}
			throw ex;
		}
	}

	private void commitQueued() {
		List<M> batch = new ArrayList<>();
		for (M next; batch.size() < maxBatch && (next = queue.poll()) != null;) {
			batch.add(next);
		}
		try {
			commit.accept(batch);
		}
		catch (RuntimeException | Error failure) {
			batch.forEach(m -> m.fail(failure));
			throw failure;
		}
		for (M member : batch) {
			if (!member.result.isDone()) {
				member.fail(new IllegalStateException("a group commit left this write without an outcome"));
			}
		}
	}

	/** Members waiting to be committed; for tests that stage a group commit. */
	int queueLength() {
		return queue.size();
	}

	/** Whether a batch is being committed; for tests that stage a group commit. */
	boolean committing() {
		return seat.isLocked();
	}

	/**
	 * One caller's queued work: made by the caller's own thread (the thread woken when it completes) if the caller
	 * waits for it ({@link #submit}), or with no caller when it is queued asynchronously ({@link #submitAsync}).
	 *
	 * @param <T> its result
	 */
	abstract static class Member<T> {

		private final @Nullable Thread caller;

		final CompletableFuture<T> result = new CompletableFuture<>();

		/**
		 * @param waits whether the calling thread waits for the result ({@link #submit}) or not ({@link #submitAsync})
		 */
		Member(boolean waits) {
			this.caller = waits ? Thread.currentThread() : null;
		}

		final @Nullable Thread caller() {
			return caller;
		}

		/** Completes the member and wakes its caller, if one waits; what depends on its result runs now. */
		final void succeed(T value) {
			if (result.complete(value) && caller != null) {
				LockSupport.unpark(caller);
			}
		}

		/** Fails the member (unless it already completed) and wakes its caller, if one waits. */
		final void fail(Throwable failure) {
			if (result.completeExceptionally(failure) && caller != null) {
				LockSupport.unpark(caller);
			}
		}
	}
}
