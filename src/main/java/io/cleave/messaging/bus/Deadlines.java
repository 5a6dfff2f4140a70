package io.cleave.messaging.bus;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.cleave.messaging.MessagingException;
import io.cleave.status.Status;

import org.jspecify.annotations.Nullable;

/**
 * Deadlines of {@code act} calls. The handler runs on the caller's thread (no hand-off, which would cost more than
 * the call); an alarm interrupts that thread if the deadline passes first, and a nested {@code act} made by the
 * handler inherits what is left of its caller's deadline.
 */
final class Deadlines {

	private static final ThreadLocal<@Nullable Long> CURRENT = new ThreadLocal<>();

	private static final ScheduledThreadPoolExecutor ALARMS = alarms();

	private Deadlines() {
	}

	/** The earlier of {@code nanoTime() + timeout} and the deadline of the {@code act} this thread is serving. */
	static long deadline(long timeoutNanos) {
		long own = System.nanoTime() + timeoutNanos;
		Long inherited = CURRENT.get();
		return inherited != null && inherited - own < 0 ? inherited : own;
	}

	interface Call<T> {
		T run() throws Exception;
	}

	/**
	 * Runs {@code call} on this thread, interrupted at {@code deadline}.
	 *
	 * @throws MessagingException DEADLINE_EXCEEDED if it did not finish in time (whatever it threw then)
	 * @throws Exception what the call threw before its deadline
	 */
	static <T> T within(long deadline, String what, Call<T> call) throws Exception {
		long remaining = deadline - System.nanoTime();
		if (remaining <= 0) {
			throw exceeded(what);
		}
		Alarm alarm = new Alarm(Thread.currentThread());
		ScheduledFuture<?> scheduled = ALARMS.schedule(alarm, remaining, TimeUnit.NANOSECONDS);
		Long previous = CURRENT.get();
		CURRENT.set(deadline);
		try {
			T result = call.run();
			if (alarm.disarm() || deadline - System.nanoTime() < 0) {
				throw exceeded(what);
			}
			return result;
		}
		catch (Exception ex) {
			if (alarm.disarm()) {
				throw exceeded(what);
			}
			throw ex;
		}
		finally {
			scheduled.cancel(false);
			CURRENT.set(previous);
		}
	}

	private static MessagingException exceeded(String what) {
		return new MessagingException(Status.DEADLINE_EXCEEDED, "No reply from " + what + " within the deadline");
	}

	private static ScheduledThreadPoolExecutor alarms() {
		var executor = new ScheduledThreadPoolExecutor(1, task -> {
			Thread thread = new Thread(task, "cleave-act-deadlines");
			thread.setDaemon(true);
			return thread;
		});
		executor.setRemoveOnCancelPolicy(true);
		return executor;
	}

	/** Interrupts its thread once, unless disarmed first; disarming clears an interrupt it caused. */
	private static final class Alarm implements Runnable {

		private final Thread thread;

		private boolean done;

		private boolean rang;

		Alarm(Thread thread) {
			this.thread = thread;
		}

		@Override
		public synchronized void run() {
			if (!done) {
				rang = true;
				done = true;
				thread.interrupt();
			}
		}

		/** @return whether the alarm rang (the interrupt it caused is cleared) */
		synchronized boolean disarm() {
			done = true;
			if (rang) {
				Thread.interrupted();
			}
			return rang;
		}
	}
}
