package io.cleave.bench;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.ConcurrentHistogram;

/** The summaries the benchmark reports, and the pacing it measures them with. */
final class Figures {

	private Figures() {
	}

	/** A latency histogram in microseconds, safe to record into from many threads, up to one minute. */
	static ConcurrentHistogram microsecondHistogram() {
		return new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(1), 3);
	}

	/** Records a duration given in nanoseconds, as microseconds; anything beyond a minute counts as a minute. */
	static void recordNanos(ConcurrentHistogram histogram, long nanos) {
		histogram.recordValue(Math.clamp(nanos / 1000, 0, histogram.getHighestTrackableValue()));
	}

	/** Parks until {@code System.nanoTime()} reaches {@code deadline}: pacing against a deadline, so no drift. */
	static void parkUntil(long deadline) {
		for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
			LockSupport.parkNanos(left);
		}
	}

	/** The median and the range of a few measured runs. */
	record Spread(double median, double min, double max) {

		static Spread of(double... samples) {
			if (samples.length == 0) {
				return new Spread(Double.NaN, Double.NaN, Double.NaN);
			}
			double[] sorted = samples.clone();
			Arrays.sort(sorted);
			int n = sorted.length;
			double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
			return new Spread(median, sorted[0], sorted[n - 1]);
		}
	}

	/** Percentiles of a latency distribution, in milliseconds, and how many samples it has. */
	record Latency(double p50, double p99, double max, long samples) {

		static Latency ofMicros(AbstractHistogram histogram) {
			if (histogram.getTotalCount() == 0) {
				return new Latency(Double.NaN, Double.NaN, Double.NaN, 0);
			}
			return new Latency(histogram.getValueAtPercentile(50) / 1000.0,
					histogram.getValueAtPercentile(99) / 1000.0, histogram.getMaxValue() / 1000.0,
					histogram.getTotalCount());
		}
	}
}
