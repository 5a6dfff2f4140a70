package io.cleave.rpc.grpc;

import java.net.ConnectException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.cleave.rpc.CallContext;
import io.cleave.rpc.endpoint.MethodDescriptor;
import io.cleave.rpc.endpoint.RpcTransport;
import io.cleave.status.Status;
import io.cleave.status.StatusException;
import io.grpc.CallOptions;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;
import org.jspecify.annotations.Nullable;

/**
 * Carries calls to services hosted on other nodes over gRPC: picks an instance ({@link RemoteInstances}), sends the
 * request as protobuf with the call's remaining time as the gRPC deadline and the caller and trace context as
 * headers, and turns a failure back into the exception the callee threw. Methods marked {@code @Idempotent} are
 * retried on another instance when one is unavailable, up to {@code cleave.rpc.max-attempts} and within the
 * deadline; others only when the connection could not even be opened (the callee never saw them).
 */
final class GrpcRpcTransport implements RpcTransport {

	/** Name of the observation (client span) around each call sent; the callee continues its trace. */
	static final String OBSERVATION = "cleave.rpc.client";

	/** The pause before trying an instance again, times the attempts so far. */
	private static final Duration RETRY_PAUSE = Duration.ofMillis(20);

	private final GrpcMethods methods;

	private final RemoteInstances instances;

	private final int maxAttempts;

	private final ObservationRegistry observations;

	GrpcRpcTransport(GrpcMethods methods, RemoteInstances instances, int maxAttempts,
			ObservationRegistry observations) {
		this.methods = methods;
		this.instances = instances;
		this.maxAttempts = maxAttempts;
		this.observations = observations;
	}

	@Override
	public Object invoke(MethodDescriptor method, Object request, CallContext context) {
		if (observations.isNoop() || observations.getCurrentObservation() == null) {
			// Outside any observed work the call's metadata is all the trace there is: passed on as it came.
			return invoke(method, request, context, GrpcCalls.headers(context));
		}
		// The tracer writes the current trace context (this client span) into the headers, replacing what the call's
		// metadata carried in from an earlier hop, so the callee's span becomes this span's child.
		Metadata headers = GrpcCalls.headers(context);
		SenderContext<Metadata> sender = new SenderContext<>(GrpcRpcTransport::putHeader, Kind.CLIENT);
		sender.setCarrier(headers);
		Observation observation = Observation.createNotStarted(OBSERVATION, () -> sender, observations)
				.contextualName(method.fullName())
				.lowCardinalityKeyValue("rpc.system", "grpc")
				.lowCardinalityKeyValue("rpc.service", method.service())
				.lowCardinalityKeyValue("rpc.method", method.name())
				.start();
		try (Observation.Scope scope = observation.openScope()) {
			Object response = invoke(method, request, context, headers);
			observation.lowCardinalityKeyValue("rpc.status", Status.OK.name());
			return response;
		}
		catch (RuntimeException | Error failure) {
			observation.lowCardinalityKeyValue("rpc.status", Status.of(failure).name());
			observation.error(failure);
			throw failure;
		}
		finally {
			observation.stop();
		}
	}

	private static void putHeader(@Nullable Metadata headers, String name, String value) {
		if (headers != null) {
			Metadata.Key<String> key = Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
			headers.removeAll(key);
			headers.put(key, value);
		}
	}

	private Object invoke(MethodDescriptor method, Object request, CallContext context, Metadata headers) {
		io.grpc.MethodDescriptor<Object, Object> grpcMethod = methods.grpc(method);
		int attempts = maxAttempts;
		Set<String> tried = Set.of();
		StatusException failure = null;
		for (int attempt = 1; attempt <= attempts; attempt++) {
			long remaining = context.deadline().remainingNanos();
			if (remaining <= 0) {
				throw failure != null ? failure : deadlineExceeded(method);
			}
			RemoteInstances.Remote remote;
			try {
				remote = pick(method, tried);
			}
			catch (StatusException none) {
				throw failure != null ? failure : none;
			}
			Object response;
			try {
				response = call(remote, grpcMethod, request, headers, remaining);
			}
			catch (StatusRuntimeException status) {
				failure = GrpcCalls.toException(status, method.method().getDeclaringClass().getClassLoader(),
						method.fullName() + " on " + remote.instance.id());
				if (status.getStatus().getCode() != io.grpc.Status.Code.UNAVAILABLE
						|| !(method.idempotent() || neverSent(status))) {
					throw failure;
				}
				tried = with(tried, remote.instance.id());
				continue;
			}
			if (response instanceof RecordMarshaller.Malformed malformed) {
				throw new StatusException(Status.INTERNAL, method.fullName() + " answered with a "
						+ malformed.description());
			}
			return response;
		}
		throw failure != null ? failure : deadlineExceeded(method);
	}

	private Object call(RemoteInstances.Remote remote, io.grpc.MethodDescriptor<Object, Object> grpcMethod,
			Object request, Metadata headers, long remainingNanos) {
		long start = System.nanoTime();
		remote.outstanding.incrementAndGet();
		try {
			Object response = ClientCalls.blockingUnaryCall(remote.channel(), grpcMethod, CallOptions.DEFAULT
					.withDeadlineAfter(remainingNanos, TimeUnit.NANOSECONDS)
					.withOption(GrpcCalls.HEADERS, headers), request);
			remote.breaker().onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
			return response;
		}
		catch (StatusRuntimeException failure) {
			remote.breaker().onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, failure);
			throw failure;
		}
		catch (RuntimeException | Error failure) {
			remote.breaker().releasePermission();
			throw failure;
		}
		finally {
			remote.outstanding.decrementAndGet();
		}
	}

	/** An instance not tried yet; else, after a short pause, one of those tried (a retry on a single instance). */
	private RemoteInstances.Remote pick(MethodDescriptor method, Set<String> tried) {
		if (tried.isEmpty()) {
			return instances.pick(method.service(), tried);
		}
		try {
			return instances.pick(method.service(), tried);
		}
		catch (StatusException allTried) {
			try {
				Thread.sleep(RETRY_PAUSE.multipliedBy(tried.size()));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw allTried;
			}
			return instances.pick(method.service(), Set.of());
		}
	}

	/** A connection that could not be opened: the callee never saw the request, so any method may be retried. */
	private static boolean neverSent(StatusRuntimeException failure) {
		for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
			if (cause instanceof ConnectException) {
				return true;
			}
		}
		return false;
	}

	private static StatusException deadlineExceeded(MethodDescriptor method) {
		return new StatusException(Status.DEADLINE_EXCEEDED, method.fullName() + ": the deadline passed before the call"
				+ " could be sent");
	}

	private static Set<String> with(Set<String> tried, String id) {
		Set<String> more = new HashSet<>(tried);
		more.add(id);
		return more;
	}
}
