package io.cleave.rpc;

import java.util.List;
import java.util.stream.Collectors;

import io.cleave.status.Status;
import io.cleave.status.StatusException;

/**
 * A request the callee cannot accept ({@link Status#INVALID_ARGUMENT}): it failed bean validation, or, for calls by
 * name, its JSON could not be read as the request record. Each violation names the field at fault.
 */
public class InvalidRequestException extends StatusException {

	private final List<FieldViolation> violations;

	public InvalidRequestException(List<FieldViolation> violations) {
		super(Status.INVALID_ARGUMENT, describe(violations));
		this.violations = List.copyOf(violations);
	}

	public InvalidRequestException(String field, String description) {
		this(List.of(new FieldViolation(field, description)));
	}

	/** What was wrong, field by field (in the order found); never empty. */
	public List<FieldViolation> violations() {
		return violations;
	}

	private static String describe(List<FieldViolation> violations) {
		if (violations.isEmpty()) {
			throw new IllegalArgumentException("an invalid request names at least one violation");
		}
		return violations.stream().map(FieldViolation::toString).collect(Collectors.joining("; "));
	}

	/**
	 * One reason a request was rejected, as gRPC's {@code google.rpc.BadRequest.FieldViolation} puts it.
	 *
	 * @param field path of the field at fault in the request ({@code key}, {@code items[0].sku}); empty for the
	 *     request as a whole
	 * @param description what is wrong with it
	 */
	public record FieldViolation(String field, String description) {

		@Override
		public String toString() {
			return field.isEmpty() ? description : field + ": " + description;
		}
	}
}
