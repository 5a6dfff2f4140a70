package io.cleave.registry.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GroupCommitTests {

	private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

	/** Each batch's members, in commit order. */
	private final List<List<String>> batches = new CopyOnWriteArrayList<>();

	/** Batch n (from 0) waits for hold.get(n), after it has completed its members. */
	private final List<CountDownLatch> holds = List.of(new CountDownLatch(1), new CountDownLatch(1));

	private final GroupCommit<Work> commits = new GroupCommit<>(100, batch -> {
		int n = batches.size();
		batches.add(batch.stream().map(w -> w.name).toList());
		batch.forEach(w -> w.succeed(w.name));
		if (n < holds.size()) {
			awaitRelease(holds.get(n));
		}
	});

	@AfterEach
	void releaseAll() throws InterruptedException {
		holds.forEach(CountDownLatch::countDown);
		stop(threads);
	}

	/**
	 * Lets released commits end rather than interrupting them: an interrupt racing the release would fail a held
	 * commit on its thread, reported as an uncaught exception against whichever test runs then.
	 */
	private static void stop(ExecutorService executor) throws InterruptedException {
		executor.shutdown();
		assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).as("every commit ended").isTrue();
	}

	@Test
	void workQueuedDuringACommitIsCommittedInOneBatchOnceItEnds() throws Exception {
		Future<String> first = submit("first");
		await().atMost(Duration.ofSeconds(10)).until(() -> commits.committing() && batches.size() == 1);
		List<Future<String>> queued = List.of(submit("a"), submit("b"), submit("c"));
		await().atMost(Duration.ofSeconds(10)).until(() -> commits.queueLength() == 3);

		holds.get(1).countDown(); // the next batch does not stop
		holds.get(0).countDown();

		assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("first");
		for (Future<String> f : queued) {
			f.get(10, TimeUnit.SECONDS);
		}
		assertThat(batches).hasSize(2);
		assertThat(batches.get(1)).containsExactlyInAnyOrder("a", "b", "c");
	}

	@Test
	void aCallerWhoseWorkAnotherCommittedReturnsWithoutWaitingForTheNextBatch() throws Exception {
		submit("first");
		await().atMost(Duration.ofSeconds(10)).until(() -> commits.committing() && batches.size() == 1);
		Future<String> a = submit("a");
		Future<String> b = submit("b");
		await().atMost(Duration.ofSeconds(10)).until(() -> commits.queueLength() == 2);

		holds.get(0).countDown();

		// Batch 2 holds a and b: both completed, while the caller committing it is still inside the commit. The other
		// one must not wait for that commit to end (as it would behind a plain lock).
		await().atMost(Duration.ofSeconds(10)).until(() -> batches.size() == 2);
		await().atMost(Duration.ofSeconds(10)).until(() -> a.isDone() || b.isDone());
		assertThat(commits.committing()).as("batch 2 still being committed").isTrue();
		assertThat(a.isDone() ^ b.isDone()).as("exactly the caller not committing has returned").isTrue();
	}

	@Test
	void asynchronousWorkQueuedBehindAWaitingCallerIsCommittedByTheDrainerNotByThatCaller() throws Exception {
		ExecutorService drainer = Executors.newSingleThreadExecutor(task -> new Thread(task, "drainer"));
		List<String> committers = new CopyOnWriteArrayList<>();
		CountDownLatch holdFirst = new CountDownLatch(1);
		CountDownLatch holdSecond = new CountDownLatch(1);
		GroupCommit<Work> mixed = new GroupCommit<>(100, batch -> {
			committers.add(Thread.currentThread().getName());
			batch.forEach(w -> w.succeed(w.name));
			awaitRelease(committers.size() == 1 ? holdFirst : holdSecond);
		}, drainer);
		try {
			Future<String> waiting = threads.submit(() -> {
				Work work = new Work("waiting");
				return mixed.submit(work, work.result);
			});
			await().atMost(Duration.ofSeconds(10)).until(() -> mixed.committing() && committers.size() == 1);
			Work queued = new Work("queued", false);
			mixed.submitAsync(queued);
			assertThat(queued.result).as("not committed before a batch holds it").isNotDone();

			holdFirst.countDown();

			// The waiting caller returns although the next batch (its own caller's time, otherwise) is still held.
			assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo("waiting");
			assertThat(queued.result.get(10, TimeUnit.SECONDS)).isEqualTo("queued");
			assertThat(committers).containsExactly(committers.getFirst(), "drainer");
			assertThat(committers.getFirst()).isNotEqualTo("drainer");
			assertThat(mixed.committing()).as("the drainer's batch still held").isTrue();
		}
		finally {
			holdSecond.countDown();
			stop(drainer);
		}
	}

	@Test
	void aLoneAsynchronousSubmissionIsCommittedAtOnceByTheDrainer() throws Exception {
		ExecutorService drainer = Executors.newSingleThreadExecutor(task -> new Thread(task, "drainer"));
		List<String> committers = new CopyOnWriteArrayList<>();
		GroupCommit<Work> alone = new GroupCommit<>(100, batch -> {
			committers.add(Thread.currentThread().getName() + ":" + batch.size());
			batch.forEach(w -> w.succeed(w.name));
		}, drainer);
		try {
			Work work = new Work("alone", false);
			alone.submitAsync(work);

			assertThat(work.result.get(10, TimeUnit.SECONDS)).isEqualTo("alone");
			assertThat(committers).containsExactly("drainer:1");
		}
		finally {
			stop(drainer);
		}
	}

	private Future<String> submit(String name) {
		return threads.submit(() -> {
			Work work = new Work(name);
			return commits.submit(work, work.result);
		});
	}

	private static void awaitRelease(CountDownLatch latch) {
		try {
			if (!latch.await(10, TimeUnit.SECONDS)) {
				throw new IllegalStateException("never released");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static final class Work extends GroupCommit.Member<String> {

		final String name;

		Work(String name) {
			this(name, true);
		}

		Work(String name, boolean waits) {
			super(waits);
			this.name = name;
		}
	}
}
