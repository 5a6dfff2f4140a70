package io.cleave.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

import org.jspecify.annotations.Nullable;

/** Runs an operation a given number of times, spread over a few client threads that each take the next index. */
final class Parallel {

	private Parallel() {
	}

	/**
	 * Calls {@code operation} with every index in {@code [0, count)}, from {@code threads} virtual threads, and
	 * returns how long that took. A failing call is counted, not retried, and does not stop the others.
	 */
	static Outcome run(int threads, int count, IntConsumer operation) {
		AtomicInteger next = new AtomicInteger();
		AtomicInteger failed = new AtomicInteger();
		AtomicReference<@Nullable Throwable> firstFailure = new AtomicReference<>();
		List<Thread> workers = new ArrayList<>(threads);
		long start = System.nanoTime();
		for (int t = 0; t < threads; t++) {
			workers.add(Thread.ofVirtual().name("bench-client-" + t).start(() -> {
				for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
					try {
						operation.accept(i);
					}
					catch (RuntimeException ex) {
						failed.incrementAndGet();
						firstFailure.compareAndSet(null, ex);
					}
				}
			}));
		}
		workers.forEach(Parallel::join);
		return new Outcome(count - failed.get(), failed.get(), System.nanoTime() - start, firstFailure.get());
	}

	/** Waits for a thread the benchmark started; being interrupted ends the benchmark. */
	static void join(Thread thread) {
		try {
			thread.join();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while waiting for " + thread.getName(), ex);
		}
	}

	/** What a {@link #run} did: successful and failed calls, and the wall time of all of them. */
	record Outcome(int succeeded, int failed, long nanos, @Nullable Throwable firstFailure) {

		double perSecond() {
			return succeeded * 1e9 / nanos;
		}

		double seconds() {
			return nanos / 1e9;
		}
	}
}
