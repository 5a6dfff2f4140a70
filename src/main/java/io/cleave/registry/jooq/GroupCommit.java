package io.cleave.registry.jooq;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Group commit without a thread of its own: callers queue their work and wait; whichever waiting caller finds no
 * commit under way takes everything queued (up to a bound) and commits it as one batch for all of them.
 *
 * <p>A caller whose work was committed by someone else returns as soon as it is told, without queueing for the
 * committer's seat: were it to wait for the seat (as a plain lock would make it), it would sit out the next batch
 * too, and batches would shrink to one or two however many callers write at once. When a batch is done and work is
 * still queued, the committer wakes the caller of the oldest, which takes the seat next.
 *
 * @param <M> what a caller queues
 */
final class GroupCommit<M extends GroupCommit.Member<?>> {

	private final Queue<M> queue = new ConcurrentLinkedQueue<>();

	private final ReentrantLock seat = new ReentrantLock();

	private final int maxBatch;

	private final Consumer<List<M>> commit;

	/**
	 * @param commit commits a batch, completing each member's result; a member it leaves incomplete fails
	 */
	GroupCommit(int maxBatch, Consumer<List<M>> commit) {
		this.maxBatch = maxBatch;
		this.commit = commit;
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
				M next = queue.peek();
				if (next != null) {
					LockSupport.unpark(next.caller());
				}
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
	 * One caller's queued work, made by the caller's own thread (the thread woken when it completes).
	 *
	 * @param <T> its result
	 */
	abstract static class Member<T> {

		private final Thread caller = Thread.currentThread();

		final CompletableFuture<T> result = new CompletableFuture<>();

		final Thread caller() {
			return caller;
		}

		/** Completes the member and wakes its caller. */
		final void succeed(T value) {
			if (result.complete(value)) {
				LockSupport.unpark(caller);
			}
		}

		/** Fails the member (unless it already completed) and wakes its caller. */
		final void fail(Throwable failure) {
			if (result.completeExceptionally(failure)) {
				LockSupport.unpark(caller);
			}
		}
	}
}
