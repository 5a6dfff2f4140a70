package io.cleave.status;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A failure that carries a {@link Status}: the base type of the business exceptions a module declares in its API, so
 * that every transport reports them with the same status and the caller gets the same type back, local or remote.
 * <p>
 * The message is meant for the caller (it ends up in a problem's {@code detail} or a gRPC status description): say
 * what was wrong, never how the callee is built.
 */
public class StatusException extends RuntimeException {

	private final Status status;

	public StatusException(Status status, String message) {
		this(status, message, null);
	}

	public StatusException(Status status, String message, @Nullable Throwable cause) {
		super(message, cause);
		this.status = Objects.requireNonNull(status, "status");
	}

	public Status status() {
		return status;
	}
}
