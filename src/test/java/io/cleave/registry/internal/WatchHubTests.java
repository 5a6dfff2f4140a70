package io.cleave.registry.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.cleave.registry.KeyRange;
import io.cleave.registry.RegistryException;
import io.cleave.registry.Watch;
import io.cleave.registry.WatchEvent;
import io.cleave.registry.WatchListener;
import io.cleave.registry.WatchRequest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The watch hub driven through the races that lose events, on a history the test writes, compacts and interleaves
 * with the hub's reads: watches created while writes stream, progress requested from a lagging watcher, and a
 * compaction landing in the middle of the hub's catch-up read.
 */
class WatchHubTests {

	private static final Duration PATIENCE = Duration.ofSeconds(20);

	private final ScriptedEventLog log = new ScriptedEventLog();

	/** A small buffer, so that slow watchers fall out of sync and catch up from history during the tests. */
	private final WatchHub hub = new WatchHub(log, Duration.ofMillis(20), Duration.ofMinutes(10), 100);

	private final List<Watch> watches = new ArrayList<>();

	WatchHubTests() {
		hub.start();
	}

	@AfterEach
	void stop() {
		watches.forEach(Watch::cancel);
		hub.stop();
	}

	/** With commits handed over as the store does, and with every commit read back from history (another node's). */
	@ParameterizedTest(name = "commits handed over: {0}")
	@ValueSource(booleans = {true, false})
	void everyWatchFromNowGetsEveryChangeAfterItsCreatedRevisionWhileWritesStream(boolean handOff) throws Exception {
		log.handOff(handOff);
		AtomicBoolean writing = new AtomicBoolean(true);
		CountDownLatch streaming = new CountDownLatch(1);
		Thread writer = Thread.ofPlatform().start(() -> {
			for (int i = 0; writing.get() && i < 200_000; i++) {
				log.put("/k/" + (i % 50), "v" + i);
				streaming.countDown();
				Thread.yield(); // leave the watch creator room to interleave
			}
		});
		// On a loaded machine the writer may not run before every watch exists: the race needs it writing already.
		assertThat(streaming.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
		List<Sequence> sequences = new ArrayList<>();
		for (int i = 0; i < 2000; i++) {
			Sequence sequence = new Sequence();
			Watch watch = watch(WatchRequest.of(KeyRange.prefix("/k/")), sequence);
			sequence.startAfter(watch.createdRevision());
			sequences.add(sequence);
		}
		writing.set(false);
		writer.join();
		long last = log.put("/k/last", "after every watch"); // so that even the last watch has an event to check

		await().atMost(PATIENCE).until(() -> sequences.stream().allMatch(s -> s.reached() == last));
		assertThat(sequences).allSatisfy(s -> assertThat(s.faults()).isEmpty());
		assertThat(sequences).allSatisfy(s -> assertThat(s.count()).isPositive());
	}

	@Test
	void aWatchReplayingFromThePastGetsEveryRevisionOnceWhileWritesStream() throws Exception {
		long start = log.put("/k/a", "first");
		for (int i = 0; i < 500; i++) {
			log.put("/k/a", "old" + i);
		}
		Sequence sequence = new Sequence();
		sequence.startAfter(start - 1);
		watch(WatchRequest.of(KeyRange.prefix("/k/")).fromRevision(start), sequence);
		for (int i = 0; i < 500; i++) {
			log.put("/k/a", "new" + i);
		}

		await().atMost(PATIENCE).until(() -> sequence.reached() == log.revision());
		assertThat(sequence.faults()).isEmpty();
	}

	@Test
	void aProgressNotificationNeverRunsAheadOfTheEventsDelivered() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		Sequence sequence = new Sequence() {
			@Override
			public void onEvents(long revision, List<WatchEvent> events) {
				super.onEvents(revision, events);
				awaitRelease(release);
			}
		};
		Watch watch = watch(WatchRequest.of(KeyRange.prefix("/k/")), sequence);
		sequence.startAfter(watch.createdRevision());
		log.put("/k/a", "1");
		await().atMost(PATIENCE).until(() -> sequence.count() == 1); // the listener now holds its watch up
		for (int i = 0; i < 300; i++) {
			log.put("/k/a", "more" + i);
		}

		// Progress is asked for while the watch lags 300 events behind; it may only come once the lag is gone.
		watch.requestProgress();
		release.countDown();

		long last = log.revision();
		await().atMost(PATIENCE).until(() -> !sequence.progress().isEmpty());
		await().atMost(PATIENCE).until(() -> sequence.reached() == last);
		watch.requestProgress();
		await().atMost(PATIENCE).until(() -> sequence.progress().contains(last));
		assertThat(sequence.faults()).isEmpty();
	}

	@Test
	void aCompactionDuringTheTailersReadCancelsTheWatchInsteadOfSkippingEvents() {
		log.handOff(false); // commits of another node: the tailer reads each from the history
		Sequence sequence = new Sequence();
		Watch watch = watch(WatchRequest.of(KeyRange.prefix("/k/")), sequence);
		sequence.startAfter(watch.createdRevision());
		long[] compactedTo = new long[1];
		log.beforeNextRead(() -> {
			// While the tailer reads the first write, four more commit; its next read will span all four...
			long second = log.put("/k/a", "second");
			for (int i = 0; i < 3; i++) {
				compactedTo[0] = log.put("/k/a", "later" + i);
			}
			compactedTo[0] = second + 2;
			// ...and a compaction into the middle of that span commits just before that read's query runs; the
			// tailer's next look at the store is held until the watcher could act on what that read returned.
			log.beforeNextRead(() -> {
				log.compact(compactedTo[0]);
				log.holdNextPositions(() -> sequence.reached() >= compactedTo[0]);
			});
		});

		log.put("/k/a", "first");

		await().atMost(PATIENCE).until(() -> sequence.canceled() != null || !sequence.faults().isEmpty());
		assertThat(sequence.faults()).isEmpty();
		assertThat(sequence.canceled().reason()).isEqualTo(RegistryException.Reason.OUT_OF_RANGE);
		assertThat(sequence.compactRevision()).isEqualTo(compactedTo[0]);
		assertThat(sequence.faults()).isEmpty();
	}

	@Test
	void aCompactionDuringACatchingUpWatchersReadCancelsIt() {
		long start = log.put("/k/a", "first");
		for (int i = 0; i < 300; i++) {
			log.put("/k/a", "v" + i);
		}
		awaitTailerAtRevision();
		long[] compactedTo = new long[1];
		log.beforeNextRead(() -> {
			// The watcher is the only reader now: it is past the buffer, reading history, when the compaction commits.
			compactedTo[0] = log.revision() - 10;
			log.compact(compactedTo[0]);
		});
		Sequence sequence = new Sequence();
		sequence.startAfter(start - 1);

		watch(WatchRequest.of(KeyRange.prefix("/k/")).fromRevision(start), sequence);

		await().atMost(PATIENCE).until(() -> sequence.canceled() != null || !sequence.faults().isEmpty());
		assertThat(sequence.faults()).isEmpty();
		assertThat(sequence.compactRevision()).isEqualTo(compactedTo[0]);
	}

	@Test
	void aCommitsEventsReachTheWatchersWithoutAReadOfTheHistory() {
		Sequence prefix = new Sequence();
		Sequence key = new Sequence();
		Watch prefixWatch = watch(WatchRequest.of(KeyRange.prefix("/k/")), prefix);
		prefix.startAfter(prefixWatch.createdRevision());
		Watch keyWatch = watch(WatchRequest.of(KeyRange.key("/k/b")), key);
		key.startAfter(keyWatch.createdRevision());
		long synced = log.put("/k/b", "start");
		await().atMost(PATIENCE).until(() -> prefix.reached() == synced && key.reached() == synced);
		int readsBefore = log.reads();

		// Fewer than the buffer holds and a watcher may queue: neither watcher can fall behind and read history.
		for (int i = 0; i < 90; i++) {
			log.put(i % 3 == 0 ? "/k/b" : "/k/a", "v" + i);
		}

		long last = log.revision();
		await().atMost(PATIENCE).until(() -> prefix.reached() == last && key.count() == 1 + 30);
		assertThat(prefix.faults()).isEmpty();
		assertThat(prefix.count()).isEqualTo(1 + 90);
		assertThat(log.reads()).as("reads of the history").isEqualTo(readsBefore);
	}

	@Test
	void aMissedOrLateHandOffIsReadFromTheHistoryWithoutLossOrDuplicates() throws Exception {
		// Every seventh commit is never handed over, every fifth only after the one that follows it.
		log.skipHandOffOf(revision -> revision % 7 == 0);
		log.delayHandOffOf(revision -> revision % 5 == 0);
		List<Sequence> sequences = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			Sequence sequence = new Sequence();
			Watch watch = watch(WatchRequest.of(KeyRange.prefix("/k/")), sequence);
			sequence.startAfter(watch.createdRevision());
			sequences.add(sequence);
		}
		int readsBefore = log.reads();
		Thread writer = Thread.ofPlatform().start(() -> {
			for (int i = 0; i < 2000; i++) {
				log.put("/k/" + (i % 10), "v" + i);
				if (i % 50 == 0) {
					Thread.yield(); // let the tailer read in the middle of the stream too
				}
			}
		});
		writer.join();
		log.skipHandOffOf(revision -> false);
		log.delayHandOffOf(revision -> false);
		long last = log.put("/k/last", "end"); // handed over at once, and releases a delayed one

		await().atMost(PATIENCE).until(() -> sequences.stream().allMatch(s -> s.reached() == last));
		assertThat(sequences).allSatisfy(s -> {
			assertThat(s.faults()).isEmpty();
			assertThat(s.count()).isEqualTo(2001);
		});
		assertThat(log.reads()).as("reads of the history").isGreaterThan(readsBefore);
	}

	/** Writes a key nothing else watches and waits until a watch of it sees it: the tailer has read everything. */
	private void awaitTailerAtRevision() {
		Sequence probe = new Sequence();
		Watch watch = watch(WatchRequest.of(KeyRange.key("/probe")), probe);
		probe.startAfter(watch.createdRevision());
		long written = log.put("/probe", "here");
		await().atMost(PATIENCE).until(() -> probe.reached() == written);
		watch.cancel();
	}

	private Watch watch(WatchRequest request, WatchListener listener) {
		Watch watch = hub.watch(request, listener);
		watches.add(watch);
		return watch;
	}

	private static void awaitRelease(CountDownLatch latch) {
		try {
			latch.await(PATIENCE.toSeconds(), TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Checks, as calls arrive, that a watch of keys every write touches sees every revision after its start once, in
	 * order, and that no progress notification names a revision whose event it has not seen yet.
	 */
	private static class Sequence implements WatchListener {

		private final List<String> faults = new CopyOnWriteArrayList<>();

		private final List<Long> progress = new CopyOnWriteArrayList<>();

		private volatile long reached = -1;

		private volatile int count;

		private volatile RegistryException canceled;

		private volatile long compactRevision;

		/** Set right after the watch is created: calls may already have come, and are checked against it then. */
		synchronized void startAfter(long revision) {
			if (reached == -1) {
				reached = revision;
			}
			else if (firstSeen != revision + 1) {
				faults.add("created after " + revision + " but first event at " + firstSeen);
			}
		}

		private long firstSeen;

		@Override
		public synchronized void onEvents(long revision, List<WatchEvent> events) {
			for (WatchEvent event : events) {
				if (reached == -1) {
					firstSeen = event.revision();
					reached = event.revision();
				}
				else if (event.revision() != reached + 1) {
					faults.add("after " + reached + " came " + event.revision());
				}
				reached = event.revision();
				count++;
			}
		}

		@Override
		public synchronized void onProgress(long revision) {
			if (revision > reached) {
				faults.add("progress at " + revision + " with events delivered only up to " + reached);
			}
			progress.add(revision);
		}

		@Override
		public void onCanceled(RegistryException reason, long compactRevision) {
			this.compactRevision = compactRevision;
			this.canceled = reason;
		}

		long reached() {
			return reached;
		}

		int count() {
			return count;
		}

		List<String> faults() {
			return faults;
		}

		List<Long> progress() {
			return progress;
		}

		RegistryException canceled() {
			return canceled;
		}

		long compactRevision() {
			return compactRevision;
		}
	}
}
