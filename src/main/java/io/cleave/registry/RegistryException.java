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

	public static final String REQUEST_TOO_LARGE = "etcdserver: request is too large";

	public static final String TOO_MANY_OPS = "etcdserver: too many operations in txn request";

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

	/** etcd's error for a transaction with more compares, or operations in a branch, than allowed. */
	public static RegistryException tooManyOps() {
		return new RegistryException(Reason.INVALID_ARGUMENT, TOO_MANY_OPS);
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

	/**
	 * A request, key or value over its limit ({@code cleave.registry.limits.*}): etcd's "request is too large" for a
	 * request, {@code INVALID_ARGUMENT} as in etcd, and 413 on REST.
	 */
	public static final class TooLarge extends RegistryException {

		private final String what;

		private final long size;

		private final long limit;

		private final String property;

		private TooLarge(String message, String what, long size, long limit, String property) {
			super(Reason.INVALID_ARGUMENT, message);
			this.what = what;
			this.size = size;
			this.limit = limit;
			this.property = property;
		}

		/** A request larger than {@code limit} bytes: etcd's exact message. */
		public static TooLarge request(long size, long limit) {
			return new TooLarge(REQUEST_TOO_LARGE, "request", size, limit, "cleave.registry.limits.request-size");
		}

		/** A key longer than {@code limit} bytes (etcd has no limit of its own here). */
		public static TooLarge key(long size, long limit) {
			return new TooLarge("etcdserver: key is too large", "key", size, limit, "cleave.registry.limits.key-size");
		}

		/** A value larger than {@code limit} bytes (etcd has no limit of its own here). */
		public static TooLarge value(long size, long limit) {
			return new TooLarge("etcdserver: value is too large", "value", size, limit,
					"cleave.registry.limits.value-size");
		}

		/** What was too large, by how much, and which setting says so; for people. */
		public String explanation() {
			return what + " is too large: " + size + " bytes, at most " + limit + " allowed (" + property + ")";
		}
	}
}
