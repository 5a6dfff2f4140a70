package io.cleave.rpc.endpoint;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.cleave.rpc.CallContext;
import io.cleave.rpc.InvalidRequestException;
import io.cleave.rpc.InvalidRequestException.FieldViolation;
import io.cleave.status.Status;
import io.cleave.status.StatusException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

/**
 * The endpoint middleware every hosted method gets, go-kit style: each a decorator built once per method, so a call
 * pays for lookups at start-up, not per call. {@link #standard} states the order.
 */
public final class EndpointMiddlewares {

	/** Timer of the calls served, tagged {@code service}, {@code method} and {@code status}. */
	public static final String CALLS_METRIC = "cleave.rpc.server.calls";

	private EndpointMiddlewares() {
	}

	/**
	 * The chain, outermost first: metrics (so they count every outcome, rejections included), tracing (a span per
	 * call, from the tracing adapter: {@code rpc.opentelemetry}), deadline,
	 * request validation, concurrency limit (so rejected requests hold no permit), then the service itself.
	 */
	public static List<EndpointMiddleware> standard(MeterRegistry meters, EndpointMiddleware tracing,
			Validator validator, int maxConcurrentCallsPerService) {
		return List.of(metrics(meters), tracing, deadline(), validation(validator),
				concurrencyLimit(maxConcurrentCallsPerService));
	}

	/** Wraps {@code core} in {@code middlewares}, the first one outermost. */
	public static Endpoint chain(MethodDescriptor method, List<EndpointMiddleware> middlewares, Endpoint core) {
		Endpoint endpoint = core;
		for (int i = middlewares.size() - 1; i >= 0; i--) {
			endpoint = middlewares.get(i).apply(method, endpoint);
		}
		return endpoint;
	}

	/** Records each call's duration under {@value #CALLS_METRIC}, by service, method and final status. */
	public static EndpointMiddleware metrics(MeterRegistry registry) {
		return (method, next) -> {
			Timer[] byStatus = new Timer[Status.values().length];
			return (request, context) -> {
				long start = System.nanoTime();
				Status status = Status.OK;
				try {
					return next.call(request, context);
				}
				catch (Throwable failure) {
					status = Status.of(failure);
					throw failure;
				}
				finally {
					timer(registry, byStatus, method, status).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
				}
			};
		};
	}

	private static Timer timer(MeterRegistry registry, Timer[] byStatus, MethodDescriptor method, Status status) {
		Timer timer = byStatus[status.ordinal()];
		if (timer == null) { // a benign race: the registry hands back the same timer for the same tags
			timer = Timer.builder(CALLS_METRIC)
					.description("RPC calls served by this node, by outcome")
					.tag("service", method.service())
					.tag("method", method.name())
					.tag("status", status.name())
					.register(registry);
			byStatus[status.ordinal()] = timer;
		}
		return timer;
	}

	/**
	 * Refuses a call whose deadline has passed before it starts, and reports {@link Status#DEADLINE_EXCEEDED} for a
	 * call that returns after it: the caller has stopped waiting, as it would over the wire. The running method sees
	 * the deadline through {@link CallContext#current()} and passes the remaining time on to its own calls.
	 */
	public static EndpointMiddleware deadline() {
		return (method, next) -> (request, context) -> {
			if (context.deadline().isExpired()) {
				throw deadlineExceeded(method, "before the call started");
			}
			Object response = next.call(request, context);
			if (context.deadline().isExpired()) {
				throw deadlineExceeded(method, "before the call returned");
			}
			return response;
		};
	}

	private static StatusException deadlineExceeded(MethodDescriptor method, String when) {
		return new StatusException(Status.DEADLINE_EXCEEDED, method.fullName() + ": the deadline passed " + when);
	}

	/**
	 * Validates the request with Bean Validation; a violation is {@link InvalidRequestException} naming the field. A
	 * request type without constraints costs nothing but a null check.
	 */
	public static EndpointMiddleware validation(Validator validator) {
		return (method, next) -> {
			boolean constrained = validator.getConstraintsForClass(method.requestType()).isBeanConstrained();
			return (request, context) -> {
				if (request == null) {
					throw new InvalidRequestException("", "the request must not be null");
				}
				if (constrained) {
					Set<ConstraintViolation<Object>> violations = validator.validate(request);
					if (!violations.isEmpty()) {
						throw new InvalidRequestException(violations.stream()
								.map(violation -> new FieldViolation(violation.getPropertyPath().toString(),
										violation.getMessage()))
								.sorted(Comparator.comparing(FieldViolation::field)
										.thenComparing(FieldViolation::description))
								.toList());
					}
				}
				return next.call(request, context);
			};
		};
	}

	/**
	 * Lets at most {@code maxConcurrentCalls} calls into each service at once; one more is refused at once with
	 * {@link Status#RESOURCE_EXHAUSTED} rather than queued, so an overloaded service sheds load instead of piling up
	 * threads.
	 */
	public static EndpointMiddleware concurrencyLimit(int maxConcurrentCalls) {
		if (maxConcurrentCalls < 1) {
			throw new IllegalArgumentException("maxConcurrentCalls must be at least 1, was " + maxConcurrentCalls);
		}
		Map<String, Semaphore> permits = new ConcurrentHashMap<>();
		return (method, next) -> {
			Semaphore service = permits.computeIfAbsent(method.service(), name -> new Semaphore(maxConcurrentCalls));
			return (request, context) -> {
				if (!service.tryAcquire()) {
					throw new StatusException(Status.RESOURCE_EXHAUSTED, method.fullName() + ": service "
							+ method.service() + " already has " + maxConcurrentCalls
							+ " calls in progress (cleave.rpc.max-concurrent-calls)");
				}
				try {
					return next.call(request, context);
				}
				finally {
					service.release();
				}
			};
		};
	}
}
