package io.cleave.registry.grpc.server;

import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import io.cleave.registry.RegistryException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns failures into gRPC statuses: a {@link RegistryException}'s reason is the status code of the same name and
 * its message the description, which etcd's clients match on. Anything else is a bug, logged here and reported as
 * {@code INTERNAL} without its stack trace.
 */
final class GrpcErrors {

	private static final Logger log = LoggerFactory.getLogger(GrpcErrors.class);

	private GrpcErrors() {
	}

	static StatusRuntimeException toStatus(Throwable failure) {
		if (failure instanceof RegistryException registry) {
			return Status.fromCode(Status.Code.valueOf(registry.reason().name()))
					.withDescription(registry.getMessage())
					.asRuntimeException();
		}
		log.error("etcd API request failed unexpectedly", failure);
		return Status.INTERNAL.withDescription("etcdserver: internal error: " + failure.getClass().getSimpleName())
				.asRuntimeException();
	}

	/** Answers a call Cleave does not implement with {@code UNIMPLEMENTED}, saying what it offers instead. */
	static void unsupported(StreamObserver<?> observer, String call, String instead) {
		observer.onError(Status.UNIMPLEMENTED
				.withDescription("etcdserver: " + call + " is not supported by Cleave's etcd API; " + instead)
				.asRuntimeException());
	}

	/** Answers a unary call with what {@code response} returns, or with the status its failure maps to. */
	static <T> void respond(StreamObserver<T> observer, Supplier<T> response) {
		T value;
		try {
			value = response.get();
		}
		catch (RuntimeException failure) {
			observer.onError(toStatus(failure));
			return;
		}
		observer.onNext(value);
		observer.onCompleted();
	}

	/**
	 * Answers a unary call once the stage {@code response} returns completes, with its value or with the status its
	 * failure maps to; a failure before a stage is returned is answered at once.
	 */
	static <T> void respondLater(StreamObserver<T> observer, Supplier<? extends CompletionStage<T>> response) {
		CompletionStage<T> stage;
		try {
			stage = response.get();
		}
		catch (RuntimeException failure) {
			observer.onError(toStatus(failure));
			return;
		}
		stage.whenComplete((value, failure) -> {
			if (failure != null) {
				observer.onError(toStatus(failure instanceof CompletionException wrapped && wrapped.getCause() != null
						? wrapped.getCause() : failure));
			}
			else {
				observer.onNext(value);
				observer.onCompleted();
			}
		});
	}
}
