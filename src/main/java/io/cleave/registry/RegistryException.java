package io.cleave.registry;

/**
 * A registry request that failed, with a reason the gRPC and REST adapters map to a status code and a message that
 * says what was wrong. Failures etcd also has carry etcd's exact message, because etcd's clients recognise errors by
 * their message.
 */
public class RegistryException extends RuntimeException {

	public static final String COMPACTED = "etcdserver: mvcc: required revision has been compacted";

	public static final String FUTURE_REVISION = "etcdserver: mvcc: required revision is a future revision";

	public static final String LEASE_NOT_FOUND = "etcdserver: requested lease not found";

	public static final String LEASE_EXISTS = "etcdserver: lease already exists";

	private final Reason reason;

	public RegistryException(Reason reason, String message) {
		super(message);
		this.reason = reason;
	}

	public RegistryException(Reason reason, String message, Throwable cause) {
		super(message, cause);
		this.reason = reason;
	}

	public static RegistryException invalidArgument(String what) {
		return new RegistryException(Reason.INVALID_ARGUMENT, "etcdserver: " + what);
	}

	public static RegistryException leaseNotFound() {
		return new RegistryException(Reason.NOT_FOUND, LEASE_NOT_FOUND);
	}

	public static RegistryException compacted() {
		return new RegistryException(Reason.OUT_OF_RANGE, COMPACTED);
	}

	public static RegistryException futureRevision() {
		return new RegistryException(Reason.OUT_OF_RANGE, FUTURE_REVISION);
	}

	public Reason reason() {
		return reason;
	}

	/** Why a request failed; the names follow gRPC's status codes. */
	public enum Reason {
		INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION, OUT_OF_RANGE, UNAVAILABLE
	}
}
