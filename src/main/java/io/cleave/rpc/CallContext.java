package io.cleave.rpc;

import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * What travels with every RPC call besides its request: the deadline, who is calling, and transport metadata such as
 * trace propagation headers ({@code traceparent}). While a service method runs, its call's context is
 * {@link #current()}, and the calls it makes in turn inherit the deadline's remaining time and the caller.
 *
 * @param deadline when the caller stops waiting
 * @param caller identity on whose behalf the call is made (an authenticated principal, or the calling node's name);
 *     {@value #ANONYMOUS} when unknown
 * @param metadata transport-level headers, lower-case names; trace context arrives here from remote callers and is
 *     empty for in-process calls, whose trace parent is the current observation of the thread
 */
public record CallContext(Deadline deadline, String caller, Map<String, String> metadata) {

	/** The caller of calls made outside any call and without an identity. */
	public static final String ANONYMOUS = "anonymous";

	private static final ThreadLocal<CallContext> CURRENT = new ThreadLocal<>();

	public CallContext {
		Objects.requireNonNull(deadline, "deadline");
		Objects.requireNonNull(caller, "caller");
		metadata = Map.copyOf(metadata);
	}

	/** The context of the call this thread is serving (or of an enclosing {@link #run}), if any. */
	public static @Nullable CallContext current() {
		return CURRENT.get();
	}

	/** This context with another deadline. */
	public CallContext withDeadline(Deadline newDeadline) {
		return new CallContext(newDeadline, caller, metadata);
	}

	/** This context with another caller identity. */
	public CallContext withCaller(String newCaller) {
		return new CallContext(deadline, newCaller, metadata);
	}

	/** Runs {@code action} with this context as {@link #current()}, then restores the previous one. */
	public <T> T run(Supplier<T> action) {
		CallContext previous = CURRENT.get();
		CURRENT.set(this);
		try {
			return action.get();
		}
		finally {
			// set, never remove: a removed entry is re-created (and the map swept) on the thread's next call
			CURRENT.set(previous);
		}
	}
}
