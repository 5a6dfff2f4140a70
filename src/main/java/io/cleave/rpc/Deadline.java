package io.cleave.rpc;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * The instant by which a call must be answered, on this JVM's monotonic clock. Every RPC call has one; a callee's
 * own calls inherit the time it has left, so the deadline shrinks hop by hop instead of restarting.
 */
public final class Deadline implements Comparable<Deadline> {

	private final long nanoTime;

	private Deadline(long nanoTime) {
		this.nanoTime = nanoTime;
	}

	/** The deadline {@code timeout} from now. */
	public static Deadline after(Duration timeout) {
		return new Deadline(System.nanoTime() + saturatedNanos(timeout));
	}

	/** The deadline {@code nanos} from now; the allocation-light form of {@link #after(Duration)}. */
	public static Deadline afterNanos(long nanos) {
		return new Deadline(System.nanoTime() + nanos);
	}

	/**
	 * Runs {@code calls} so that every RPC call they make gets at most {@code timeout}, or less if the call this thread
	 * is serving has less time left.
	 */
	public static <T> T within(Duration timeout, Supplier<T> calls) {
		CallContext current = CallContext.current();
		Deadline deadline = after(timeout);
		CallContext scoped = current == null ? new CallContext(deadline, CallContext.ANONYMOUS, Map.of())
				: current.withDeadline(current.deadline().earliest(deadline));
		return scoped.run(calls);
	}

	/** Time left; zero or negative once the deadline has passed. */
	public Duration remaining() {
		return Duration.ofNanos(remainingNanos());
	}

	/** Nanoseconds left; zero or negative once the deadline has passed. */
	public long remainingNanos() {
		return nanoTime - System.nanoTime();
	}

	public boolean isExpired() {
		return remainingNanos() <= 0;
	}

	/** Whichever of this and {@code other} comes first; {@code this} when {@code other} is null. */
	public Deadline earliest(@Nullable Deadline other) {
		return other == null || compareTo(other) <= 0 ? this : other;
	}

	@Override
	public int compareTo(Deadline other) {
		return Long.compare(nanoTime - other.nanoTime, 0); // nanoTime may wrap: compare differences
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return other instanceof Deadline that && that.nanoTime == nanoTime;
	}

	@Override
	public int hashCode() {
		return Long.hashCode(nanoTime);
	}

	@Override
	public String toString() {
		return "Deadline[remaining=" + remaining() + "]";
	}

	private static long saturatedNanos(Duration timeout) {
		try {
			return timeout.toNanos();
		}
		catch (ArithmeticException tooLong) {
			return Long.MAX_VALUE / 2; // ~146 years: "no deadline" without overflowing nanoTime arithmetic
		}
	}
}
