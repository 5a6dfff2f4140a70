package io.cleave.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the messaging micro-benchmarks with JMH and its GC profiler, then writes their figures as a Markdown table
 * (not a test: {@code bench/messaging.sh} runs it).
 *
 * <p>Settings are system properties: {@code bench.include} (a JMH regex, {@code PatternRouterBenchmark}),
 * {@code bench.forks} (2), {@code bench.warmups} (3 one-second iterations), {@code bench.iterations} (5 one-second
 * iterations), {@code bench.out} (where the table goes).
 */
final class MessagingBenchmarks {

	private MessagingBenchmarks() {
	}

	public static void main(String[] args) throws RunnerException, IOException {
		var options = new OptionsBuilder().include(System.getProperty("bench.include", "PatternRouterBenchmark"))
			.forks(Integer.getInteger("bench.forks", 2))
			.warmupIterations(Integer.getInteger("bench.warmups", 3))
			.warmupTime(TimeValue.seconds(1))
			.measurementIterations(Integer.getInteger("bench.iterations", 5))
			.measurementTime(TimeValue.seconds(1))
			.jvmArgsAppend("-Xms1g", "-Xmx1g")
			.addProfiler(GCProfiler.class)
			.build();
		Collection<RunResult> results = new Runner(options).run();
		String table = table(results);
		System.out.println(table);
		String out = System.getProperty("bench.out");
		if (out != null) {
			Files.writeString(Path.of(out), table);
		}
	}

	private static String table(Collection<RunResult> results) {
		var rows = new StringBuilder("""
				| benchmark | patterns | time per operation (± 99.9% CI) | allocated per operation (gc.alloc.rate.norm) |
				|---|---:|---:|---:|
				""");
		List<RunResult> sorted = results.stream()
			.sorted(Comparator.<RunResult, String>comparing(r -> r.getParams().getBenchmark())
				.thenComparingInt(r -> Integer.parseInt(param(r, "patterns"))))
			.toList();
		for (RunResult result : sorted) {
			Result<?> primary = result.getPrimaryResult();
			Result<?> allocated = result.getSecondaryResults().get("gc.alloc.rate.norm");
			String name = result.getParams().getBenchmark();
			rows.append(String.format(Locale.ROOT, "| %s | %,d | %,.1f ± %,.1f %s | %s |%n",
					name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1),
					Integer.parseInt(param(result, "patterns")), primary.getScore(), primary.getScoreError(),
					primary.getScoreUnit(), allocated == null ? "n/a"
							: String.format(Locale.ROOT, "%,.1f B", allocated.getScore())));
		}
		return rows.toString();
	}

	private static String param(RunResult result, String name) {
		String value = result.getParams().getParam(name);
		return value == null ? "0" : value;
	}
}
