package io.cleave.status;

import org.jspecify.annotations.Nullable;

/**
 * The status of a finished call, named and numbered as gRPC's status codes, each mapped to the HTTP status every
 * Cleave web adapter answers with (design §7).
 * <p>
 * {@link #FAILED_PRECONDITION} maps to 409, not 412: HTTP's 412 is about the request's own conditional headers
 * ({@code If-Match}), while a failed precondition in a call is about the state of the system, which is what 409 says.
 */
public enum Status {

	OK(0, 200),
	CANCELLED(1, 499),
	UNKNOWN(2, 500),
	INVALID_ARGUMENT(3, 400),
	DEADLINE_EXCEEDED(4, 504),
	NOT_FOUND(5, 404),
	ALREADY_EXISTS(6, 409),
	PERMISSION_DENIED(7, 403),
	RESOURCE_EXHAUSTED(8, 429),
	FAILED_PRECONDITION(9, 409),
	ABORTED(10, 409),
	OUT_OF_RANGE(11, 400),
	UNIMPLEMENTED(12, 501),
	INTERNAL(13, 500),
	UNAVAILABLE(14, 503),
	DATA_LOSS(15, 500),
	UNAUTHENTICATED(16, 401);

	private static final Status[] BY_CODE = values();

	private final int code;

	private final int httpStatus;

	Status(int code, int httpStatus) {
		this.code = code;
		this.httpStatus = httpStatus;
	}

	/** gRPC's numeric code for this status. */
	public int code() {
		return code;
	}

	/** The HTTP status a web adapter answers with. */
	public int httpStatus() {
		return httpStatus;
	}

	/** The status with gRPC's numeric {@code code}; {@link #UNKNOWN} for a code gRPC does not define. */
	public static Status ofCode(int code) {
		return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : UNKNOWN;
	}

	/** The status a throwable carries: its own if it is a {@link StatusException}, {@link #INTERNAL} otherwise. */
	public static Status of(@Nullable Throwable failure) {
		return failure instanceof StatusException withStatus ? withStatus.status() : INTERNAL;
	}
}
