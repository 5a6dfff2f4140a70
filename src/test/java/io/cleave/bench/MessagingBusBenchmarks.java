package io.cleave.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The bus benchmarks behind {@code bench/messaging-bus.sh} (no test runs them): the in-process {@code act} round trip
 * with JMH beside a direct call of the same handler, then durable {@code send} throughput on H2 and PostgreSQL beside
 * raw JDBC. Writes one Markdown section per benchmark to {@code bench.out}.
 *
 * <p>System properties: {@code bench.databases} (h2,postgres), {@code bench.messages} (20000 per round),
 * {@code bench.senders} (4), {@code bench.runs} (3 measured rounds after a warm-up), {@code bench.iterations} (5 JMH
 * measurements of 2 s), {@code bench.out}.
 */
final class MessagingBusBenchmarks {

	private MessagingBusBenchmarks() {
	}

	public static void main(String[] args) throws Exception {
		Path out = Path.of(System.getProperty("bench.out", "target/bench/messaging-bus.md"));
		var report = new StringBuilder();

		String loadBefore = DurableSendBenchmark.load();
		Collection<RunResult> results = new Runner(new OptionsBuilder()
				.include(ActBenchmark.class.getName())
				.measurementIterations(Integer.getInteger("bench.iterations", 5))
				.measurementTime(TimeValue.seconds(2))
				.jvmArgsAppend("-Xmx1g")
				.build()).run();
		report.append("## In-process act round trip (JMH sample time, ns)\n\n")
				.append("| Benchmark | p50 | p90 | p99 | mean | samples |\n|---|---:|---:|---:|---:|---:|\n");
		for (RunResult result : results) {
			Result<?> primary = result.getPrimaryResult();
			var stats = primary.getStatistics();
			report.append(String.format(Locale.ROOT, "| %s | %,.0f | %,.0f | %,.0f | %,.0f | %,d |%n",
					result.getParams().getBenchmark().replaceAll(".*\\.", ""), stats.getPercentile(50),
					stats.getPercentile(90), stats.getPercentile(99), stats.getMean(), stats.getN()));
		}
		report.append("\nLoad average before → after: ").append(loadBefore).append(" → ")
				.append(DurableSendBenchmark.load()).append("\n\n");

		List<String> databases = List.of(System.getProperty("bench.databases", "h2,postgres").split(","));
		int messages = Integer.getInteger("bench.messages", 20_000);
		int senders = Integer.getInteger("bench.senders", 4);
		int runs = Integer.getInteger("bench.runs", 3);
		report.append("## Durable send throughput (median of ").append(runs).append(" rounds of ")
				.append(String.format(Locale.ROOT, "%,d", messages)).append(" messages, ").append(senders)
				.append(" sender threads, each send its own transaction)\n\n")
				.append(DurableSendBenchmark.measure(databases, messages, senders, runs));

		Files.createDirectories(out.toAbsolutePath().getParent());
		Files.writeString(out, report.toString());
		System.out.print(report);
		System.exit(0); // the nodes' non-daemon threads are done with
	}
}
