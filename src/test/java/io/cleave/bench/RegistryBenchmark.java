package io.cleave.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * The registry benchmark (not a test: nothing in the test suite runs it; {@code bench/registry.sh} does). For each
 * backend in turn — Cleave's embedded store on H2 and on PostgreSQL, a real etcd 3.4 through Cleave's etcd client,
 * and Cleave's embedded store through that same client and Cleave's own etcd API — it measures puts and reads per second, watch delivery latency with many watchers, and the cost of many
 * instances heartbeating, then writes the figures as Markdown tables, one column per backend.
 *
 * <p>Settings are system properties: {@code bench.backends} (h2,postgres,etcd,cleave-etcd-api),
 * {@code bench.runs} (5 measured throughput rounds after two warm-up rounds), {@code bench.watchers} (1000),
 * {@code bench.instances} (10000), {@code bench.period} (5, seconds between an instance's heartbeats),
 * {@code bench.duration} (30, seconds of heartbeats measured), {@code bench.parts} (throughput,watch,heartbeats;
 * puts instead of throughput measures only the puts), {@code bench.out} (where the tables go). Exits with
 * status 3 when a backend got something
 * wrong — a failed operation, a missed, duplicated or reordered watch event, an expired lease — and says what.
 */
final class RegistryBenchmark {

	private static final long START = System.nanoTime();

	private RegistryBenchmark() {
	}

	public static void main(String[] args) throws IOException {
		Options options = Options.fromSystemProperties();
		log("backends %s, %d runs, %d watchers, %d instances every %d s for %d s", options.backends(),
				options.runs(), options.watchers(), options.heartbeats().instances(),
				options.heartbeats().period().toSeconds(), options.heartbeats().window().toSeconds());
		List<BackendResult> results = new ArrayList<>();
		for (Backend.Kind kind : options.backends()) {
			results.add(measure(kind, options));
		}
		String report = Report.markdown(options, results);
		Files.createDirectories(options.out().toAbsolutePath().getParent());
		Files.writeString(options.out(), report);
		log("tables written to %s", options.out());
		List<String> problems = results.stream().flatMap(r -> r.problems().stream().map(p -> r.label() + ": " + p))
				.toList();
		problems.forEach(p -> log("PROBLEM: %s", p));
		// Nodes leave non-daemon threads behind; the benchmark is over.
		System.exit(problems.isEmpty() ? 0 : 3);
	}

	private static BackendResult measure(Backend.Kind kind, Options options) {
		String loadBefore = loadAverage();
		long start = System.nanoTime();
		log("== %s (load average %s)", kind.id, loadBefore);
		List<String> problems = new ArrayList<>();
		Backend backend;
		try {
			backend = kind.open(options.workDirectory());
		}
		catch (RuntimeException ex) {
			log("could not start %s: %s", kind.id, ex);
			problems.add("could not start: " + firstLine(ex));
			return new BackendResult(kind.id, "n/a", loadBefore, loadAverage(), 0, null, null, null, problems);
		}
		try (backend) {
			log("%s started: %s", backend.label(), backend.version());
			var throughput = options.runs(Part.THROUGHPUT) || options.runs(Part.PUTS) ? stage("throughput", problems,
					() -> Throughput.measure(backend.store(), options.runs(), !options.runs(Part.THROUGHPUT),
							() -> CpuTime.jvmSeconds() + backend.serverCpuSeconds().orElse(0))) : null;
			var watch = options.runs(Part.WATCH) ? stage("watch", problems,
					() -> WatchLatency.measure(backend.store(), backend.watches(), options.watchers())) : null;
			var heartbeats = options.runs(Part.HEARTBEATS)
					? stage("heartbeats", problems, () -> Heartbeats.measure(backend, options.heartbeats())) : null;
			problems.addAll(Checks.of(throughput, watch, heartbeats));
			return new BackendResult(backend.label(), backend.version(), loadBefore, loadAverage(),
					(System.nanoTime() - start) / 1e9, throughput, watch, heartbeats, problems);
		}
	}

	/** Runs one part of the benchmark; a failure is reported, and the next part still runs. */
	private static <T> @Nullable T stage(String name, List<String> problems, Supplier<T> stage) {
		try {
			return stage.get();
		}
		catch (RuntimeException ex) {
			log("%s FAILED: %s", name, ex);
			ex.printStackTrace();
			problems.add(name + " failed: " + firstLine(ex));
			return null;
		}
	}

	/** The exception's class and the first line of its message; the whole of it goes to the log. */
	private static String firstLine(Exception ex) {
		String message = String.valueOf(ex.getMessage());
		int end = message.indexOf('\n');
		return ex.getClass().getSimpleName() + ": " + (end < 0 ? message : message.substring(0, end));
	}

	/** The 1, 5 and 15 minute load averages. */
	static String loadAverage() {
		try {
			String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
			return fields[0] + " " + fields[1] + " " + fields[2];
		}
		catch (IOException ex) {
			return "n/a";
		}
	}

	static void log(String format, Object... arguments) {
		System.err.printf("registry-bench %5.0fs: %s%n", (System.nanoTime() - START) / 1e9,
				format.formatted(arguments));
	}

	/** The parts of the benchmark, by the name {@code -Dbench.parts} takes; puts is throughput without the reads. */
	enum Part {
		THROUGHPUT, PUTS, WATCH, HEARTBEATS;

		static Part of(String name) {
			return Stream.of(values()).filter(p -> p.name().equalsIgnoreCase(name)).findFirst()
					.orElseThrow(() -> new IllegalArgumentException("unknown part '" + name + "'; known: "
							+ Stream.of(values()).map(p -> p.name().toLowerCase()).toList()));
		}
	}

	/** The settings of a run. */
	record Options(List<Backend.Kind> backends, List<Part> parts, int runs, int watchers,
			Heartbeats.Settings heartbeats, Path out, Path workDirectory) {

		boolean runs(Part part) {
			return parts.contains(part);
		}

		static Options fromSystemProperties() {
			String names = System.getProperty("bench.backends", "h2,postgres,etcd,cleave-etcd-api");
			List<Backend.Kind> backends = Stream.of(names.split(","))
					.map(String::trim).filter(s -> !s.isEmpty()).map(Backend.Kind::of).toList();
			Duration period = Duration.ofSeconds(positive("bench.period", 5));
			Heartbeats.Settings heartbeats = new Heartbeats.Settings(positive("bench.instances", 10_000), period,
					period.multipliedBy(2), Duration.ofSeconds(positive("bench.duration", 30)));
			List<Part> parts = Stream.of(System.getProperty("bench.parts", "throughput,watch,heartbeats").split(","))
					.map(String::trim).filter(p -> !p.isEmpty()).map(Part::of).toList();
			return new Options(backends, parts, positive("bench.runs", 5), positive("bench.watchers", 1_000), heartbeats,
					Path.of(System.getProperty("bench.out", "target/bench/registry-figures.md")),
					Path.of("target", "bench").toAbsolutePath());
		}

		private static int positive(String property, int defaultValue) {
			int value = Integer.parseInt(System.getProperty(property, String.valueOf(defaultValue)).trim());
			if (value <= 0) {
				throw new IllegalArgumentException(property + " must be a positive integer, was " + value);
			}
			return value;
		}
	}

	/**
	 * What one backend measured; a part is null when it failed.
	 *
	 * @param problems failures and wrong results, to report loudly
	 */
	record BackendResult(String label, String version, String loadBefore, String loadAfter, double seconds,
			Throughput.@Nullable Result throughput, WatchLatency.@Nullable Result watch,
			Heartbeats.@Nullable Result heartbeats, List<String> problems) {
	}

	/** The correctness checks over a backend's figures. */
	private static final class Checks {

		private Checks() {
		}

		static List<String> of(Throughput.@Nullable Result throughput, WatchLatency.@Nullable Result watch,
				Heartbeats.@Nullable Result heartbeats) {
			List<String> problems = new ArrayList<>();
			if (throughput != null && throughput.failures() > 0) {
				problems.add(throughput.failures() + " puts/reads failed or read the wrong number of keys");
			}
			if (watch != null && !watch.completeness().perfect()) {
				problems.add("watchers did not see every event exactly once, in order: " + watch.completeness());
			}
			if (watch != null && !(watch.steady().complete() && watch.burst().complete())) {
				problems.add("not every watcher had every event within the timeout");
			}
			if (heartbeats != null && !heartbeats.healthy()) {
				problems.add("heartbeats: %d renewals found the lease expired, %d failed, %d of %d instance keys left"
						.formatted(heartbeats.expired(), heartbeats.failed(), heartbeats.liveKeys(),
								heartbeats.settings().instances()));
			}
			return problems;
		}
	}
}
