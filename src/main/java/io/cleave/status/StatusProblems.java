package io.cleave.status;

import java.util.Arrays;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/**
 * The one mapping from a {@link Status} to an RFC 9457 problem, used by every web adapter: the status's HTTP status,
 * its reason phrase as {@code title}, the status's name as {@code code}, and a detail written for the caller.
 */
public final class StatusProblems {

	private StatusProblems() {
	}

	/** The problem answering a call that ended with {@code status}; {@code detail} must be fit for the caller. */
	public static ProblemDetail of(Status status, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatusCode.valueOf(status.httpStatus()), detail);
		HttpStatus http = HttpStatus.resolve(status.httpStatus());
		problem.setTitle(http == null ? status.name() : http.getReasonPhrase());
		problem.setProperty("code", status.name());
		return problem;
	}

	/**
	 * The detail for a request parameter that does not convert to its type ({@code limit 'x' is not a valid int}):
	 * the values as sent (a repeated parameter's too), the type by its simple name, never an array's or a value's
	 * Java representation.
	 */
	public static String notConvertible(String name, @Nullable Object value, @Nullable Class<?> type) {
		String sent = value instanceof Object[] values ? Arrays.stream(values).map(String::valueOf)
				.collect(Collectors.joining(",")) : String.valueOf(value);
		return name + " '" + sent + "' is not a valid " + (type == null ? "value" : type.getSimpleName());
	}

	/** The problem answering a {@link StatusException}, whose message is written for the caller. */
	public static ProblemDetail of(StatusException failure) {
		return of(failure.status(), failure.getMessage());
	}
}
