package io.cleave.math;

import io.cleave.status.Status;
import io.cleave.status.StatusException;

/** A math request lacked an operand it needs (INVALID_ARGUMENT); the message names it. */
public class InvalidOperand extends StatusException {

	public InvalidOperand(String operand, String pattern) {
		super(Status.INVALID_ARGUMENT, "%s needs a number in '%s'".formatted(pattern, operand));
	}
}
