package io.cleave.kv;

import io.cleave.status.Status;
import io.cleave.status.StatusException;

/** Nothing is stored under the key a {@link DB#query} asked for ({@link Status#NOT_FOUND}, HTTP 404). */
public class KeyNotFoundException extends StatusException {

	public KeyNotFoundException(String message) {
		super(Status.NOT_FOUND, message);
	}

	/** The exception for {@code key}, saying which key was missing. */
	public static KeyNotFoundException forKey(String key) {
		return new KeyNotFoundException("no value is stored under key '" + key + "'");
	}
}
