package io.cleave.messaging;

import io.cleave.status.Status;
import io.cleave.status.StatusException;

import org.jspecify.annotations.Nullable;

/**
 * A message the bus could not route or answer: no matching pattern (NOT_FOUND), not a JSON object
 * (INVALID_ARGUMENT), no reply within the deadline (DEADLINE_EXCEEDED), a handler failure that carried no status of
 * its own (INTERNAL), an unknown queue or dead letter (NOT_FOUND).
 */
public class MessagingException extends StatusException {

	public MessagingException(Status status, String message) {
		super(status, message);
	}

	public MessagingException(Status status, String message, @Nullable Throwable cause) {
		super(status, message, cause);
	}
}
