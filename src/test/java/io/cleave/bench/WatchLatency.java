package io.cleave.bench;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.cleave.bench.Figures.Latency;
import io.cleave.registry.Bytes;
import io.cleave.registry.KeyRange;
import io.cleave.registry.KeyValueStore;
import io.cleave.registry.Put;
import io.cleave.registry.RegistryException;
import io.cleave.registry.Watch;
import io.cleave.registry.WatchEvent;
import io.cleave.registry.WatchListener;
import io.cleave.registry.WatchRequest;
import io.cleave.registry.Watches;

import org.HdrHistogram.ConcurrentHistogram;

/**
 * Watch delivery: many watchers, each with its own watch on one prefix, and one writer whose values carry their
 * send time ({@code System.nanoTime()}, so the latency is arrival minus send within this JVM). Two phases: a steady
 * one at a modest rate, for latency, then a burst of back-to-back puts, for how fast the deliveries fan out. Every
 * watcher checks that it saw every event exactly once and in order.
 */
final class WatchLatency {

	static final String PREFIX = "/bench/watch/";

	static final int EVENTS_PER_PHASE = 200;

	static final int STEADY_RATE = 20;

	private static final long DELIVERY_TIMEOUT_SECONDS = 60;

	private WatchLatency() {
	}

	static Result measure(KeyValueStore store, Watches watches, int watcherCount) {
		PhaseRecord steady = new PhaseRecord(Phase.Kind.STEADY, watcherCount);
		PhaseRecord burst = new PhaseRecord(Phase.Kind.BURST, watcherCount);
		List<Watcher> watchers = new ArrayList<>();
		for (int i = 0; i < watcherCount; i++) {
			watchers.add(new Watcher(steady, burst));
		}
		ConcurrentLinkedQueue<Watch> open = new ConcurrentLinkedQueue<>();
		Parallel.Outcome opening = Parallel.run(Throughput.THREADS, watcherCount,
				i -> open.add(watches.watch(WatchRequest.of(KeyRange.prefix(PREFIX)), watchers.get(i))));
		if (opening.failed() > 0) {
			throw new IllegalStateException(opening.failed() + " of " + watcherCount + " watches could not be opened",
					opening.firstFailure());
		}
		log("%d watches open after %.1f s", watcherCount, opening.seconds());
		try {
			return new Result(watcherCount, opening.seconds(), run(store, steady), run(store, burst),
					Completeness.of(watchers));
		}
		finally {
			open.forEach(Watch::cancel);
		}
	}

	private static Phase run(KeyValueStore store, PhaseRecord record) {
		Phase.Kind kind = record.kind;
		int first = kind.ordinal() * EVENTS_PER_PHASE;
		long interval = kind == Phase.Kind.STEADY ? TimeUnit.SECONDS.toNanos(1) / STEADY_RATE : 0;
		long start = System.nanoTime();
		for (int i = 0; i < EVENTS_PER_PHASE; i++) {
			Figures.parkUntil(start + i * interval);
			store.put(Put.of(Bytes.utf8(PREFIX + (first + i)), Watcher.value(first + i, System.nanoTime())));
		}
		long written = System.nanoTime();
		boolean complete = record.await();
		long last = record.lastArrival.get();
		Phase phase = new Phase(kind, EVENTS_PER_PHASE * 1e9 / (written - start), Latency.ofMicros(record.latency),
				record.deliveries.get() * 1e9 / Math.max(1, last - start), complete);
		log("%s: %s", kind.label, phase);
		return phase;
	}

	private static void log(String format, Object... arguments) {
		RegistryBenchmark.log("watch: " + format, arguments);
	}

	/** What the watchers of one phase record together. */
	private static final class PhaseRecord {

		final Phase.Kind kind;

		final ConcurrentHistogram latency = Figures.microsecondHistogram();

		final AtomicLong deliveries = new AtomicLong();

		final AtomicLong lastArrival = new AtomicLong();

		final CountDownLatch watchersDone;

		PhaseRecord(Phase.Kind kind, int watchers) {
			this.kind = kind;
			this.watchersDone = new CountDownLatch(watchers);
		}

		void delivered(long sent, long arrived) {
			Figures.recordNanos(latency, arrived - sent);
			deliveries.incrementAndGet();
			lastArrival.accumulateAndGet(arrived, Math::max);
		}

		boolean await() {
			try {
				return watchersDone.await(DELIVERY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
	}

	/** One watcher: records each event's latency and checks it sees each event once, in order. */
	private static final class Watcher implements WatchListener {

		private static final int VALUE_BYTES = 100;

		private final PhaseRecord[] phases;

		private final BitSet seen = new BitSet();

		private final int[] seenPerPhase = new int[Phase.Kind.values().length];

		private int highest = -1;

		private long duplicates;

		private long outOfOrder;

		private long unexpected;

		private volatile boolean canceled;

		Watcher(PhaseRecord... phases) {
			this.phases = phases;
		}

		/** A ~100-byte value: the event's sequence number and its send time. */
		static Bytes value(int sequence, long sentNanos) {
			String head = sequence + " " + sentNanos + " ";
			return Bytes.utf8(head + "x".repeat(VALUE_BYTES - head.length()));
		}

		@Override
		public synchronized void onEvents(long revision, List<WatchEvent> events) {
			long arrived = System.nanoTime();
			for (WatchEvent event : events) {
				String[] fields = event.kv().value().toStringUtf8().split(" ", 3);
				if (event.type() != WatchEvent.Type.PUT || fields.length < 3) {
					unexpected++;
					continue;
				}
				accept(Integer.parseInt(fields[0]), Long.parseLong(fields[1]), arrived);
			}
		}

		private void accept(int sequence, long sent, long arrived) {
			if (seen.get(sequence)) {
				duplicates++;
				return;
			}
			seen.set(sequence);
			if (sequence < highest) {
				outOfOrder++;
			}
			highest = Math.max(highest, sequence);
			int phase = sequence / EVENTS_PER_PHASE;
			PhaseRecord record = phases[phase];
			record.delivered(sent, arrived);
			if (++seenPerPhase[phase] == EVENTS_PER_PHASE) {
				record.watchersDone.countDown();
			}
		}

		@Override
		public void onCanceled(RegistryException reason, long compactRevision) {
			canceled = true;
			RegistryBenchmark.log("watch: a watch was CANCELED by the store: %s", reason.getMessage());
		}

		synchronized long missing() {
			return (long) EVENTS_PER_PHASE * Phase.Kind.values().length - seen.cardinality();
		}
	}

	/**
	 * One phase's figures.
	 *
	 * @param writesPerSecond the writer's achieved rate
	 * @param deliveriesPerSecond events delivered to all watchers over the time from the first send to the last
	 *     arrival
	 * @param complete whether every watcher had every event of the phase within the timeout
	 */
	record Phase(Kind kind, double writesPerSecond, Latency latency, double deliveriesPerSecond, boolean complete) {

		@Override
		public String toString() {
			return "writes/s %.0f, latency p50 %.2f ms, p99 %.2f ms, max %.2f ms, deliveries/s %.0f, complete %s"
					.formatted(writesPerSecond, latency.p50(), latency.p99(), latency.max(), deliveriesPerSecond,
							complete);
		}

		/** The writer's pace. */
		enum Kind {
			STEADY("steady, " + STEADY_RATE + " puts/s"), BURST("burst, back-to-back puts");

			final String label;

			Kind(String label) {
				this.label = label;
			}
		}
	}

	/** Whether the watchers saw what was written: each event exactly once, in order, and nothing else. */
	record Completeness(long expected, long missing, long duplicates, long outOfOrder, long unexpected,
			int canceledWatches) {

		static Completeness of(List<Watcher> watchers) {
			long missing = 0;
			long duplicates = 0;
			long outOfOrder = 0;
			long unexpected = 0;
			int canceled = 0;
			for (Watcher watcher : watchers) {
				synchronized (watcher) {
					missing += watcher.missing();
					duplicates += watcher.duplicates;
					outOfOrder += watcher.outOfOrder;
					unexpected += watcher.unexpected;
				}
				canceled += watcher.canceled ? 1 : 0;
			}
			long expected = (long) watchers.size() * EVENTS_PER_PHASE * Phase.Kind.values().length;
			return new Completeness(expected, missing, duplicates, outOfOrder, unexpected, canceled);
		}

		boolean perfect() {
			return missing == 0 && duplicates == 0 && outOfOrder == 0 && unexpected == 0 && canceledWatches == 0;
		}
	}

	/** The figures of one backend. */
	record Result(int watchers, double openSeconds, Phase steady, Phase burst, Completeness completeness) {
	}
}
