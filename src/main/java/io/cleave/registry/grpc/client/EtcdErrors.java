package io.cleave.registry.grpc.client;

import io.cleave.registry.RegistryException;
import io.cleave.registry.RegistryException.Reason;
import io.grpc.Status;

/** Turns the gRPC status of a failed etcd call into a {@link RegistryException}. */
final class EtcdErrors {

	private EtcdErrors() {
	}

	/**
	 * The registry failure for a failed call: etcd's own errors keep etcd's status and message (clients recognise
	 * them by it); transport failures, timeouts and server overload are {@code UNAVAILABLE}.
	 */
	static RegistryException toRegistryException(Throwable failure) {
		if (failure instanceof RegistryException registryException) {
			return registryException;
		}
		Status status = Status.fromThrowable(failure);
		String description = status.getDescription();
		Reason reason = switch (status.getCode()) {
			case INVALID_ARGUMENT -> Reason.INVALID_ARGUMENT;
			case NOT_FOUND -> Reason.NOT_FOUND;
			case ALREADY_EXISTS -> Reason.ALREADY_EXISTS;
			case FAILED_PRECONDITION, PERMISSION_DENIED, UNAUTHENTICATED -> Reason.FAILED_PRECONDITION;
			case OUT_OF_RANGE -> Reason.OUT_OF_RANGE;
			default -> Reason.UNAVAILABLE;
		};
		boolean etcdMessage = description != null && description.startsWith("etcdserver: ");
		String message = etcdMessage ? description
				: "etcd call failed: " + status.getCode() + (description == null ? "" : " (" + description + ")");
		return new RegistryException(reason, message, failure);
	}

	/** Whether a stream that failed this way may be opened again: the cluster may come back, a bad request won't. */
	static boolean isTransient(Throwable failure) {
		return switch (Status.fromThrowable(failure).getCode()) {
			case INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION, PERMISSION_DENIED, UNAUTHENTICATED,
					OUT_OF_RANGE, UNIMPLEMENTED -> false;
			default -> true;
		};
	}
}
