package io.cleave.bench;

import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.function.Function;

import io.cleave.bench.Figures.Latency;
import io.cleave.bench.Figures.Spread;
import io.cleave.bench.RegistryBenchmark.BackendResult;
import io.cleave.bench.RegistryBenchmark.Options;

import org.jspecify.annotations.Nullable;

/** The figures as Markdown: one table per kind of measurement, one column per backend. */
final class Report {

	private Report() {
	}

	static String markdown(Options options, List<BackendResult> results) {
		StringBuilder out = new StringBuilder();
		throughput(new Table(out, results), options, results);
		watch(new Table(out, results), options);
		heartbeats(new Table(out, results), options);
		backends(new Table(out, results));
		problems(out, results);
		return out.toString();
	}

	private static void throughput(Table table, Options options, List<BackendResult> results) {
		table.title("Puts and reads per second (median of %d runs after %d warm-up runs; min–max)".formatted(
				options.runs(), Throughput.WARM_UP_ROUNDS),
				"%,d puts of %d-byte values over 1,000 keys with %d client threads, %,d with one; %,d single-key gets and %,d prefix ranges of 100 keys each with %d threads."
						.formatted(Throughput.PARALLEL_PUTS, Throughput.VALUE_BYTES, Throughput.THREADS,
								Throughput.SINGLE_THREAD_PUTS, Throughput.GETS, Throughput.PREFIX_RANGES,
								Throughput.THREADS));
		table.row("puts/s, " + Throughput.THREADS + " threads", r -> rate(r.throughput(), t -> t.parallelPuts()));
		BackendResult etcd = results.stream().filter(r -> r.label().startsWith("etcd") && r.throughput() != null)
				.findFirst().orElse(null);
		if (etcd != null) {
			double etcdPuts = etcd.throughput().parallelPuts().median();
			table.row("puts/s, " + Throughput.THREADS + " threads, median as a share of etcd's",
					r -> r.throughput() == null ? "n/a" : fixed(r.throughput().parallelPuts().median() / etcdPuts, 2) + "×");
		}
		table.row("CPU per put, " + Throughput.THREADS + " threads (µs; client, Cleave and server together)",
				r -> rate(r.throughput(), t -> t.cpuPerParallelPut()));
		table.row("puts/s, 1 thread", r -> rate(r.throughput(), t -> t.singleThreadPuts()));
		table.row("single-key gets/s, " + Throughput.THREADS + " threads", r -> rate(r.throughput(), t -> t.gets()));
		table.row("100-key prefix ranges/s, " + Throughput.THREADS + " threads",
				r -> rate(r.throughput(), t -> t.prefixRanges()));
		table.row("failed operations", r -> r.throughput() == null ? "n/a" : String.valueOf(r.throughput().failures()));
	}

	private static void watch(Table table, Options options) {
		table.title("Watch delivery to %,d watchers".formatted(options.watchers()),
				"Each watcher has its own watch on one prefix; one writer puts %d values at %d/s (steady), then %d back to back (burst); latency is arrival minus the send time carried in the value. Deliveries/s: events delivered to all watchers from the first send to the last arrival."
						.formatted(WatchLatency.EVENTS_PER_PHASE, WatchLatency.STEADY_RATE,
								WatchLatency.EVENTS_PER_PHASE));
		table.row("opening the watches (s)", r -> r.watch() == null ? "n/a" : fixed(r.watch().openSeconds(), 1));
		table.row("steady: latency p50 / p99 / max (ms)", r -> r.watch() == null ? "n/a" : latency(r.watch().steady().latency()));
		table.row("burst: writer puts/s", r -> r.watch() == null ? "n/a" : whole(r.watch().burst().writesPerSecond()));
		table.row("burst: deliveries/s", r -> r.watch() == null ? "n/a" : whole(r.watch().burst().deliveriesPerSecond()));
		table.row("burst: latency p50 / p99 / max (ms)", r -> r.watch() == null ? "n/a" : latency(r.watch().burst().latency()));
		table.row("every watcher saw every event once, in order", Report::completeness);
	}

	private static void heartbeats(Table table, Options options) {
		Heartbeats.Settings settings = options.heartbeats();
		table.title("Heartbeats: %,d instances renewing every %d s (%,.0f keep-alives/s)".formatted(
				settings.instances(), settings.period().toSeconds(), settings.targetRate()),
				"One lease (TTL %d s) per instance with one key attached; renewals spread evenly, latency from the due time; measured over %d s after registering and one settling period. CPU: CPU seconds per second of wall time over that window."
						.formatted(settings.ttl().toSeconds(), settings.window().toSeconds()));
		table.row("registering (lease grant + put, 8 threads), instances/s",
				r -> r.heartbeats() == null ? "n/a" : whole(r.heartbeats().registrationsPerSecond()));
		table.row("keep-alives/s achieved", r -> r.heartbeats() == null ? "n/a" : whole(r.heartbeats().achievedRate()));
		table.row("keep-alive latency p50 / p99 / max (ms)",
				r -> r.heartbeats() == null ? "n/a" : latency(r.heartbeats().latency()));
		table.row("CPU of the benchmark JVM (cores)", r -> r.heartbeats() == null ? "n/a" : fixed(r.heartbeats().jvmCores(), 2));
		table.row("CPU of the server process (cores)", Report::serverCores);
		table.row("CPU in total (cores)", r -> r.heartbeats() == null ? "n/a"
				: fixed(r.heartbeats().jvmCores() + r.heartbeats().serverCores().orElse(0), 2));
		table.row("expired leases / failed keep-alives / instance keys left", Report::leaseHealth);
	}

	private static void backends(Table table) {
		table.title("Backends", "");
		table.row("underneath", BackendResult::version);
		table.row("load average (1/5/15 min) at start", BackendResult::loadBefore);
		table.row("load average at end", BackendResult::loadAfter);
		table.row("time taken (s)", r -> whole(r.seconds()));
	}

	private static void problems(StringBuilder out, List<BackendResult> results) {
		out.append('\n');
		List<String> problems = results.stream()
				.flatMap(r -> r.problems().stream().map(p -> "- **" + r.label() + "**: " + p))
				.toList();
		out.append("### Problems found\n\n");
		out.append(problems.isEmpty() ? "None: no failed operation, no missed, duplicated or reordered watch event,"
				+ " no expired lease.\n" : String.join("\n", problems) + "\n");
	}

	private static String completeness(BackendResult result) {
		if (result.watch() == null) {
			return "n/a";
		}
		WatchLatency.Completeness c = result.watch().completeness();
		String delivered = "%,d of %,d".formatted(c.expected() - c.missing(), c.expected());
		return c.perfect() ? "yes (" + delivered + ")"
				: "**NO**: %s; %,d duplicates, %,d out of order, %,d unexpected, %d watches cancelled".formatted(
						delivered, c.duplicates(), c.outOfOrder(), c.unexpected(), c.canceledWatches());
	}

	private static String serverCores(BackendResult result) {
		if (result.heartbeats() == null) {
			return "n/a";
		}
		OptionalDouble cores = result.heartbeats().serverCores();
		return cores.isPresent() ? fixed(cores.getAsDouble(), 2) : "– (store in the JVM)";
	}

	private static String leaseHealth(BackendResult result) {
		Heartbeats.Result h = result.heartbeats();
		if (h == null) {
			return "n/a";
		}
		String figures = "%d / %d / %,d".formatted(h.expired(), h.failed(), h.liveKeys());
		return h.healthy() ? figures : "**" + figures + "**";
	}

	private static <T> String rate(@Nullable T result, Function<T, Spread> metric) {
		if (result == null) {
			return "n/a";
		}
		Spread spread = metric.apply(result);
		if (Double.isNaN(spread.median())) {
			return "not measured";
		}
		return "%s (%s–%s)".formatted(whole(spread.median()), whole(spread.min()), whole(spread.max()));
	}

	private static String latency(Latency latency) {
		return fixed(latency.p50(), 1) + " / " + fixed(latency.p99(), 1) + " / " + fixed(latency.max(), 1);
	}

	private static String whole(double value) {
		return String.format(Locale.ROOT, "%,.0f", value);
	}

	private static String fixed(double value, int decimals) {
		return String.format(Locale.ROOT, "%,." + decimals + "f", value);
	}

	/** A Markdown table with a column per backend, written row by row. */
	private record Table(StringBuilder out, List<BackendResult> results) {

		void title(String title, String explanation) {
			if (!out.isEmpty()) {
				out.append('\n');
			}
			out.append("### ").append(title).append("\n\n");
			if (!explanation.isEmpty()) {
				out.append(explanation).append("\n\n");
			}
			out.append("| |");
			results.forEach(r -> out.append(' ').append(r.label()).append(" |"));
			out.append("\n|---|");
			results.forEach(r -> out.append("---:|"));
			out.append('\n');
		}

		void row(String label, Function<BackendResult, String> cell) {
			out.append("| ").append(label).append(" |");
			results.forEach(r -> out.append(' ').append(cell.apply(r)).append(" |"));
			out.append('\n');
		}

		@Override
		public String toString() {
			return out.toString();
		}
	}
}
