package io.cleave.bench;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

import io.cleave.bench.Figures.Latency;
import io.cleave.registry.Bytes;
import io.cleave.registry.KeyRange;
import io.cleave.registry.Lease;
import io.cleave.registry.Put;
import io.cleave.registry.RangeQuery;

import org.HdrHistogram.ConcurrentHistogram;
import org.jspecify.annotations.Nullable;

/**
 * The cost of many service instances heartbeating, as discovery does it: each instance has a lease with one key
 * attached ({@code /bench/instances/<n>}) and renews it every {@code period}; the renewals of all instances are
 * spread evenly over the period. A pacer issues each renewal at its due time (never sleeping a fixed amount, so
 * it does not drift) on a virtual thread of its own, and its latency counts from the due time, so a backend that
 * falls behind shows it rather than slowing the schedule down.
 *
 * <p>Instances register while the heartbeats already run (as nodes joining do), then one more period settles
 * things before the measured window.
 */
final class Heartbeats {

	static final String PREFIX = "/bench/instances/";

	/** How many renewals may be under way at once before the pacer waits: one second's worth at 2,000/s. */
	private static final int MAX_IN_FLIGHT = 2_000;

	private Heartbeats() {
	}

	static Result measure(Backend backend, Settings settings) {
		return new Run(backend, settings).measure();
	}

	private static void log(String format, Object... arguments) {
		RegistryBenchmark.log("heartbeats: " + format, arguments);
	}

	/**
	 * What to run.
	 *
	 * @param instances how many instances (leases) heartbeat
	 * @param period how often each renews its lease
	 * @param ttl the leases' time to live
	 * @param window how long the measurement lasts
	 */
	record Settings(int instances, Duration period, Duration ttl, Duration window) {

		double targetRate() {
			return instances * 1e9 / period.toNanos();
		}
	}

	/**
	 * The figures of one backend.
	 *
	 * @param registrationsPerSecond how fast the instances registered (a lease grant and a put each)
	 * @param achievedRate renewals that completed within the window, per second
	 * @param latency renewal latency from due time to answer, for the renewals due within the window
	 * @param jvmCores this JVM's CPU seconds per second over the window: the client side, and the store itself
	 *     when it is embedded
	 * @param serverCores the server process's (and its children's) CPU seconds per second; empty when the store
	 *     runs in this JVM
	 * @param expired renewals answered "no such lease" (the lease had expired), over the whole run
	 * @param failed renewals that failed with an error, over the whole run
	 * @param liveKeys instance keys still there at the end (all of them, unless a lease expired)
	 */
	record Result(Settings settings, double registrationsPerSecond, double achievedRate, Latency latency,
			double jvmCores, OptionalDouble serverCores, long expired, long failed, long liveKeys) {

		boolean healthy() {
			return expired == 0 && failed == 0 && liveKeys == settings.instances();
		}
	}

	/** One run: the pacer, the registrations and the window's measurements. */
	private static final class Run {

		private final Backend backend;

		private final Settings settings;

		private final AtomicLongArray leaseIds;

		private final ConcurrentHistogram latency = Figures.microsecondHistogram();

		private final AtomicLong completedInWindow = new AtomicLong();

		private final AtomicLong expired = new AtomicLong();

		private final AtomicLong failed = new AtomicLong();

		private final AtomicReference<@Nullable Throwable> firstFailure = new AtomicReference<>();

		private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);

		/** {@code System.nanoTime()} bounds of the measured window; "never" until the registrations are done. */
		private volatile long windowStart = Long.MAX_VALUE;

		private volatile long windowEnd = Long.MAX_VALUE;

		Run(Backend backend, Settings settings) {
			this.backend = backend;
			this.settings = settings;
			this.leaseIds = new AtomicLongArray(settings.instances());
		}

		Result measure() {
			ExecutorService renewals = Executors.newVirtualThreadPerTaskExecutor();
			Thread pacer = Thread.ofPlatform().name("heartbeat-pacer").start(() -> pace(renewals));
			try {
				Parallel.Outcome registration = Parallel.run(Throughput.THREADS, settings.instances(), this::register);
				if (registration.failed() > 0) {
					throw new IllegalStateException(registration.failed() + " instances could not register",
							registration.firstFailure());
				}
				log("%d instances registered in %.1f s (%.0f/s)", settings.instances(), registration.seconds(),
						registration.perSecond());
				windowStart = System.nanoTime() + settings.period().toNanos();
				windowEnd = windowStart + settings.window().toNanos();
				Figures.parkUntil(windowStart);
				double jvmBefore = CpuTime.jvmSeconds();
				OptionalDouble serverBefore = backend.serverCpuSeconds();
				Figures.parkUntil(windowEnd);
				double jvmCores = perSecondOfWindow(CpuTime.jvmSeconds() - jvmBefore);
				OptionalDouble serverAfter = backend.serverCpuSeconds();
				OptionalDouble serverCores = serverBefore.isPresent()
						? OptionalDouble.of(perSecondOfWindow(serverAfter.getAsDouble() - serverBefore.getAsDouble()))
						: OptionalDouble.empty();
				return result(registration.perSecond(), jvmCores, serverCores, pacer, renewals);
			}
			finally {
				windowEnd = Math.min(windowEnd, System.nanoTime()); // stops the pacer if registering failed
				Parallel.join(pacer);
				renewals.close();
			}
		}

		private double perSecondOfWindow(double amount) {
			return amount * 1e9 / settings.window().toNanos();
		}

		/** Waits for the renewals under way, then counts the instances still registered. */
		private Result result(double registrationsPerSecond, double jvmCores, OptionalDouble serverCores, Thread pacer,
				ExecutorService renewals) {
			Parallel.join(pacer);
			renewals.close();
			long liveKeys = backend.store().range(RangeQuery.of(KeyRange.prefix(PREFIX)).withCountOnly()).count();
			Result result = new Result(settings, registrationsPerSecond,
					perSecondOfWindow(completedInWindow.get()), Latency.ofMicros(latency), jvmCores,
					serverCores, expired.get(), failed.get(), liveKeys);
			if (firstFailure.get() != null) {
				log("the first failed renewal: %s", firstFailure.get());
			}
			log("%s", result);
			return result;
		}

		private void register(int instance) {
			Lease lease = backend.leases().grant(settings.ttl().toSeconds());
			String value = "{\"service\":\"bench\",\"id\":\"instance-%d\",\"addresses\":{\"http\":\"http://10.0.%d.%d:8080\"}}"
					.formatted(instance, instance / 250, instance % 250);
			backend.store().put(Put.of(Bytes.utf8(PREFIX + instance), Bytes.utf8(value)).withLease(lease.id()));
			leaseIds.set(instance, lease.id());
		}

		/** Issues renewal {@code tick} at {@code start + tick × period / instances}, cycling through the instances. */
		private void pace(ExecutorService renewals) {
			long interval = settings.period().toNanos() / settings.instances();
			long start = System.nanoTime();
			for (long tick = 0;; tick++) {
				long due = start + tick * interval;
				if (due >= windowEnd) {
					return;
				}
				Figures.parkUntil(due);
				long lease = leaseIds.get((int) (tick % settings.instances()));
				if (lease != 0) {
					inFlight.acquireUninterruptibly();
					renewals.execute(() -> renew(lease, due));
				}
			}
		}

		private void renew(long lease, long due) {
			try {
				Optional<Lease> renewed = backend.leases().keepAlive(lease);
				long answered = System.nanoTime();
				if (renewed.isEmpty()) {
					expired.incrementAndGet();
				}
				else if (due >= windowStart && due < windowEnd) {
					Figures.recordNanos(latency, answered - due);
				}
				if (renewed.isPresent() && answered >= windowStart && answered < windowEnd) {
					completedInWindow.incrementAndGet();
				}
			}
			catch (RuntimeException ex) {
				failed.incrementAndGet();
				firstFailure.compareAndSet(null, ex);
			}
			finally {
				inFlight.release();
			}
		}
	}
}
