package io.cleave.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;
import java.util.function.IntConsumer;
import java.util.function.ToDoubleFunction;

import io.cleave.bench.Figures.Spread;
import io.cleave.registry.Bytes;
import io.cleave.registry.KeyRange;
import io.cleave.registry.KeyValueStore;
import io.cleave.registry.Put;
import io.cleave.registry.RangeQuery;

/**
 * Puts and reads per second. The keys are {@code /bench/kv/<group>/<nn>}: ten groups of a hundred, so a prefix
 * range over a group reads exactly 100 keys. After warm-up rounds, each measured round runs every workload once.
 */
final class Throughput {

	static final int THREADS = 8;

	static final int PARALLEL_PUTS = 5_000;

	static final int SINGLE_THREAD_PUTS = 1_000;

	static final int GETS = 10_000;

	static final int PREFIX_RANGES = 1_000;

	static final int VALUE_BYTES = 100;

	/** Rounds run and thrown away first: the JIT compiles the client and the store's hot paths meanwhile. */
	static final int WARM_UP_ROUNDS = 2;

	private static final int GROUPS = 10;

	private static final int KEYS_PER_GROUP = 100;

	private static final int KEYS = GROUPS * KEYS_PER_GROUP;

	private Throughput() {
	}

	/**
	 * Runs the warm-up rounds and {@code runs} measured rounds against {@code store}.
	 *
	 * @param putsOnly whether to leave the reads out (their figures are then not a number)
	 */
	static Result measure(KeyValueStore store, int runs, boolean putsOnly, DoubleSupplier cpuSeconds) {
		for (int warmUp = 1; warmUp <= WARM_UP_ROUNDS; warmUp++) {
			log("warm-up round %d", warmUp);
			round(store, -warmUp, putsOnly, cpuSeconds);
		}
		List<Round> rounds = new ArrayList<>();
		for (int run = 1; run <= runs; run++) {
			Round round = round(store, run, putsOnly, cpuSeconds);
			log("round %d: %s", run, round);
			rounds.add(round);
		}
		return new Result(spread(rounds, Round::parallelPuts), spread(rounds, Round::cpuPerParallelPut),
				spread(rounds, Round::singleThreadPuts),
				spread(rounds, Round::gets), spread(rounds, Round::prefixRanges),
				rounds.stream().mapToInt(Round::failures).sum());
	}

	private static Round round(KeyValueStore store, int run, boolean putsOnly, DoubleSupplier cpuSeconds) {
		double cpuBefore = cpuSeconds.getAsDouble();
		Parallel.Outcome parallelPuts = timed("8-thread puts", THREADS, PARALLEL_PUTS, i -> put(store, run, i));
		double cpuPerPut = (cpuSeconds.getAsDouble() - cpuBefore) / PARALLEL_PUTS * 1e6;
		Parallel.Outcome singlePuts = timed("1-thread puts", 1, SINGLE_THREAD_PUTS, i -> put(store, run, i));
		if (putsOnly) {
			return new Round(parallelPuts.perSecond(), cpuPerPut, singlePuts.perSecond(), Double.NaN, Double.NaN,
					parallelPuts.failed() + singlePuts.failed());
		}
		Parallel.Outcome gets = timed("gets", THREADS, GETS, i -> get(store, i));
		Parallel.Outcome ranges = timed("prefix ranges", THREADS, PREFIX_RANGES, i -> prefixRange(store, i));
		return new Round(parallelPuts.perSecond(), cpuPerPut, singlePuts.perSecond(), gets.perSecond(),
				ranges.perSecond(),
				parallelPuts.failed() + singlePuts.failed() + gets.failed() + ranges.failed());
	}

	private static Parallel.Outcome timed(String what, int threads, int count, IntConsumer operation) {
		Parallel.Outcome outcome = Parallel.run(threads, count, operation);
		if (outcome.failed() > 0) {
			log("%s: %d of %d FAILED, the first with %s", what, outcome.failed(), count, outcome.firstFailure());
		}
		return outcome;
	}

	private static void put(KeyValueStore store, int run, int i) {
		store.put(Put.of(key(i % KEYS), value(run, i)));
	}

	private static void get(KeyValueStore store, int i) {
		// A stride prime to KEYS visits every key, in an order unrelated to the order they were written in.
		Bytes key = key((int) ((i * 7919L) % KEYS));
		int found = store.range(RangeQuery.of(KeyRange.key(key))).kvs().size();
		if (found != 1) {
			throw new IllegalStateException("get " + key + " found " + found + " keys");
		}
	}

	private static void prefixRange(KeyValueStore store, int i) {
		String prefix = "/bench/kv/" + (i % GROUPS) + "/";
		int found = store.range(RangeQuery.of(KeyRange.prefix(prefix))).kvs().size();
		if (found != KEYS_PER_GROUP) {
			throw new IllegalStateException("range " + prefix + " found " + found + " keys, not " + KEYS_PER_GROUP);
		}
	}

	private static Bytes key(int index) {
		return Bytes.utf8("/bench/kv/%d/%02d".formatted(index / KEYS_PER_GROUP, index % KEYS_PER_GROUP));
	}

	/** {@value #VALUE_BYTES} bytes that differ from write to write. */
	private static Bytes value(int run, int i) {
		String head = "run %d put %d ".formatted(run, i);
		return Bytes.utf8(head + "x".repeat(VALUE_BYTES - head.length()));
	}

	private static Spread spread(List<Round> rounds, ToDoubleFunction<Round> metric) {
		return Spread.of(rounds.stream().mapToDouble(metric).toArray());
	}

	private static void log(String format, Object... arguments) {
		RegistryBenchmark.log("throughput: " + format, arguments);
	}

	/** Operations per second in one round. */
	private record Round(double parallelPuts, double cpuPerParallelPut, double singleThreadPuts, double gets,
			double prefixRanges, int failures) {

		@Override
		public String toString() {
			return "puts/s 8 threads %.0f (%.0f µs CPU each), 1 thread %.0f; gets/s %.0f; 100-key ranges/s %.0f; failures %d"
					.formatted(parallelPuts, cpuPerParallelPut, singleThreadPuts, gets, prefixRanges, failures);
		}
	}

	/**
	 * Operations per second over the measured rounds, and the failed operations among them.
	 *
	 * @param cpuPerParallelPut CPU time per put with 8 threads, in microseconds: this JVM (client and, for an
	 *     embedded store, the store) and the server process, if any
	 */
	record Result(Spread parallelPuts, Spread cpuPerParallelPut, Spread singleThreadPuts, Spread gets, Spread prefixRanges, int failures) {
	}
}
