package io.cleave.rpc.grpc;

import java.lang.reflect.Constructor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.cleave.rpc.CallContext;
import io.cleave.rpc.Deadline;
import io.cleave.rpc.InvalidRequestException;
import io.cleave.status.Status;
import io.cleave.status.StatusException;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one codec of what travels beside a call's messages, used by both the server and the client: the caller's
 * identity and trace context in headers, and failures as a gRPC status whose trailers name the exception's type.
 * <p>
 * A {@link StatusException} travels as its status and message plus its class name in the {@value #EXCEPTION_TYPE}
 * trailer. The caller gets the same type back when the class is on its classpath and extends
 * {@link StatusException}: it is instantiated the way Java deserialization does, running {@link StatusException}'s
 * constructor with the status and message (so the message stays exactly as thrown) and none of the subclass's; fields
 * the subclass adds are not carried. An {@link InvalidRequestException}'s field violations travel as gRPC's standard
 * {@code google.rpc.BadRequest} detail, which any gRPC client can read. Other failures become a
 * {@link StatusException} with the status.
 */
final class GrpcCalls {

	private static final Logger log = LoggerFactory.getLogger(GrpcCalls.class);

	static final String EXCEPTION_TYPE = "cleave-exception-type";

	static final Metadata.Key<String> EXCEPTION = Metadata.Key.of(EXCEPTION_TYPE, Metadata.ASCII_STRING_MARSHALLER);

	static final Metadata.Key<String> CALLER = Metadata.Key.of("cleave-caller", Metadata.ASCII_STRING_MARSHALLER);

	/** W3C trace context and baggage: carried as they are, so a tracer on either side continues the trace. */
	private static final Map<String, Metadata.Key<String>> PROPAGATED_KEYS = Map.of(
			"traceparent", Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER),
			"tracestate", Metadata.Key.of("tracestate", Metadata.ASCII_STRING_MARSHALLER),
			"baggage", Metadata.Key.of("baggage", Metadata.ASCII_STRING_MARSHALLER));

	/** The headers of one call, handed from the transport to {@link #HEADERS_INTERCEPTOR} through its options. */
	static final CallOptions.Key<Metadata> HEADERS = CallOptions.Key.create("cleave-headers");

	/** Adds a call's {@link #HEADERS} when it starts. */
	static final ClientInterceptor HEADERS_INTERCEPTOR = new ClientInterceptor() {
		@Override
		public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
			return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
				@Override
				public void start(Listener<R> listener, Metadata metadata) {
					Metadata headers = options.getOption(HEADERS);
					if (headers != null) {
						metadata.merge(headers);
					}
					super.start(listener, metadata);
				}
			};
		}
	};

	/** gRPC's rich error model ({@code grpc-status-details-bin}), used for field violations. */
	static final Metadata.Key<com.google.rpc.Status> DETAILS = ProtoUtils.keyForProto(
			com.google.rpc.Status.getDefaultInstance());

	private static final Map<String, Constructor<?>> RESTORERS = new ConcurrentHashMap<>();

	private GrpcCalls() {
	}

	// Headers

	static Metadata headers(CallContext context) {
		Metadata headers = new Metadata();
		headers.put(CALLER, ascii(context.caller()));
		PROPAGATED_KEYS.forEach((name, key) -> {
			String value = context.metadata().get(name);
			if (value != null) {
				headers.put(key, value);
			}
		});
		return headers;
	}

	/** The context of a call served here: the gRPC deadline (or the default one), caller and trace context. */
	static CallContext context(io.grpc.@Nullable Deadline grpcDeadline, Metadata headers, long defaultDeadlineNanos) {
		Deadline deadline = grpcDeadline == null ? Deadline.afterNanos(defaultDeadlineNanos)
				: Deadline.afterNanos(grpcDeadline.timeRemaining(TimeUnit.NANOSECONDS));
		String caller = headers.get(CALLER);
		Map<String, String> metadata = new HashMap<>(4);
		PROPAGATED_KEYS.forEach((name, key) -> {
			String value = headers.get(key);
			if (value != null) {
				metadata.put(name, value);
			}
		});
		return new CallContext(deadline, caller == null ? CallContext.ANONYMOUS : caller, metadata);
	}

	// Failures

	/** The status a failure of a served call is reported with; anything but a StatusException is logged here. */
	static StatusRuntimeException toStatus(Throwable failure, String fullMethodName) {
		if (failure instanceof StatusException withStatus) {
			Metadata trailers = new Metadata();
			trailers.put(EXCEPTION, withStatus.getClass().getName());
			if (failure instanceof InvalidRequestException invalid) { // gRPC's standard form, for any client
				BadRequest.Builder badRequest = BadRequest.newBuilder();
				invalid.violations().forEach(violation -> badRequest.addFieldViolations(BadRequest.FieldViolation
						.newBuilder().setField(violation.field()).setDescription(violation.description())));
				trailers.put(DETAILS, com.google.rpc.Status.newBuilder()
						.setCode(withStatus.status().code())
						.setMessage(String.valueOf(withStatus.getMessage()))
						.addDetails(Any.pack(badRequest.build()))
						.build());
			}
			return io.grpc.Status.fromCodeValue(withStatus.status().code())
					.withDescription(withStatus.getMessage())
					.asRuntimeException(trailers);
		}
		if (failure instanceof StatusRuntimeException status) {
			return status;
		}
		log.error("{} failed unexpectedly", fullMethodName, failure);
		return io.grpc.Status.INTERNAL.withDescription(fullMethodName + " failed: internal error")
				.asRuntimeException();
	}

	/** Whether the callee itself answered with this failure (a thrown StatusException), as opposed to the transport. */
	static boolean answeredByCallee(StatusRuntimeException failure) {
		Metadata trailers = failure.getTrailers();
		return trailers != null && trailers.containsKey(EXCEPTION);
	}

	/** The exception a failed remote call is thrown as at the caller. */
	static StatusException toException(StatusRuntimeException failure, ClassLoader classLoader, String where) {
		Status status = Status.ofCode(failure.getStatus().getCode().value());
		String description = failure.getStatus().getDescription();
		Metadata trailers = failure.getTrailers();
		String type = trailers == null ? null : trailers.get(EXCEPTION);
		com.google.rpc.Status details = trailers == null ? null : trailers.get(DETAILS);
		if (details != null && status == Status.INVALID_ARGUMENT) {
			List<InvalidRequestException.FieldViolation> violations = details.getDetailsList().stream()
					.filter(detail -> detail.is(BadRequest.class))
					.flatMap(detail -> unpack(detail).getFieldViolationsList().stream())
					.map(violation -> new InvalidRequestException.FieldViolation(violation.getField(),
							violation.getDescription()))
					.toList();
			if (!violations.isEmpty()) {
				return new InvalidRequestException(violations);
			}
		}
		if (type != null && description != null) {
			StatusException restored = restore(type, status, description, classLoader);
			if (restored != null) {
				return restored;
			}
		}
		String message = description == null ? failure.getStatus().getCode().name() : description;
		return new StatusException(status, type != null ? message : where + ": " + message, failure.getCause());
	}

	private static BadRequest unpack(Any detail) {
		try {
			return detail.unpack(BadRequest.class);
		}
		catch (InvalidProtocolBufferException ex) {
			return BadRequest.getDefaultInstance();
		}
	}

	private static @Nullable StatusException restore(String type, Status status, String message,
			ClassLoader classLoader) {
		try {
			Constructor<?> constructor = RESTORERS.computeIfAbsent(type, name -> restorer(name, classLoader));
			return (StatusException) constructor.newInstance(status, message, null);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			log.debug("could not restore remote exception type {}", type, ex);
			return null;
		}
	}

	/** A constructor of {@code type} that runs only StatusException's (status, message, cause) constructor. */
	@SuppressWarnings("removal")
	private static Constructor<?> restorer(String type, ClassLoader classLoader) {
		try {
			Class<?> exceptionType = Class.forName(type, false, classLoader);
			if (!StatusException.class.isAssignableFrom(exceptionType)) {
				throw new IllegalArgumentException(type + " is not a StatusException");
			}
			Constructor<?> base = StatusException.class.getConstructor(Status.class, String.class, Throwable.class);
			if (exceptionType == StatusException.class) {
				return base;
			}
			Constructor<?> constructor = sun.reflect.ReflectionFactory.getReflectionFactory()
					.newConstructorForSerialization(exceptionType, base);
			constructor.setAccessible(true);
			return constructor;
		}
		catch (ClassNotFoundException | NoSuchMethodException ex) {
			throw new IllegalArgumentException(ex);
		}
	}

	private static String ascii(String value) {
		return value.chars().allMatch(c -> c >= 0x20 && c < 0x7f) ? value : CallContext.ANONYMOUS;
	}
}
