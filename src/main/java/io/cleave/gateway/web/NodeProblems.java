package io.cleave.gateway.web;

import java.util.stream.Collectors;

import io.cleave.status.RequestTooLarge;
import io.cleave.status.StatusProblems;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DatabindException;

/**
 * Spring MVC's own failures on every route of the node as RFC 9457 problems (in place of Boot's handler, whose
 * details name nothing): where a body's JSON breaks, which field failed validation, which route is unknown — and
 * never an exception's message, which can name Java classes. Module advices scoped to their controllers go first.
 */
@RestControllerAdvice
class NodeProblems extends ResponseEntityExceptionHandler {

	@ExceptionHandler
	ProblemDetail on(RequestTooLarge tooLarge) {
		return problem(HttpStatus.CONTENT_TOO_LARGE, tooLarge.getMessage());
	}

	@Override
	protected @Nullable ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		ProblemDetail problem = unreadableBody(ex);
		return handleExceptionInternal(ex, problem, headers, HttpStatusCode.valueOf(problem.getStatus()), request);
	}

	@Override
	protected @Nullable ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		String detail = ex.getBindingResult().getFieldErrors().stream()
				.map(error -> error.getField() + ": " + error.getDefaultMessage())
				.sorted()
				.collect(Collectors.joining("; "));
		return handleExceptionInternal(ex, problem(HttpStatus.BAD_REQUEST, detail.isEmpty() ? "the request is invalid"
				: detail), headers, status, request);
	}

	@Override
	protected @Nullable ResponseEntity<Object> handleHandlerMethodValidationException(
			HandlerMethodValidationException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		String detail = ex.getParameterValidationResults().stream()
				.flatMap(result -> result.getResolvableErrors().stream()
						.map(error -> result.getMethodParameter().getParameterName() + ": " + error.getDefaultMessage()))
				.sorted()
				.collect(Collectors.joining("; "));
		return handleExceptionInternal(ex, problem(HttpStatus.BAD_REQUEST, detail), headers, status, request);
	}

	@Override
	protected @Nullable ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers,
			HttpStatusCode status, WebRequest request) {
		String detail = StatusProblems.notConvertible(ex.getPropertyName() == null ? "value" : ex.getPropertyName(),
				ex.getValue(), ex.getRequiredType());
		return handleExceptionInternal(ex, problem(HttpStatus.BAD_REQUEST, detail), headers, status, request);
	}

	@Override
	protected @Nullable ResponseEntity<Object> handleNoResourceFoundException(NoResourceFoundException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		String detail = "no route for " + ex.getHttpMethod() + " /" + ex.getResourcePath();
		return handleExceptionInternal(ex, problem(HttpStatus.NOT_FOUND, detail), headers, status, request);
	}

	/**
	 * A body that could not be read: 413 if it was cut off at its limit, else 400 saying where its JSON breaks or which
	 * field has the wrong shape — in Jackson's words only where they cannot name a Java type.
	 */
	static ProblemDetail unreadableBody(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof RequestTooLarge tooLarge) {
				return problem(HttpStatus.CONTENT_TOO_LARGE, tooLarge.getMessage());
			}
		}
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof DatabindException mapping) {
				String path = mapping.getPath().stream()
						.map(reference -> reference.getPropertyName() != null ? reference.getPropertyName()
								: String.valueOf(reference.getIndex()))
						.collect(Collectors.joining("."));
				return problem(HttpStatus.BAD_REQUEST, (path.isEmpty() ? "the request body does not have the expected shape"
						: "field '" + path + "' has the wrong type or value") + at(mapping.getLocation()));
			}
			if (cause instanceof StreamReadException parsing) {
				return problem(HttpStatus.BAD_REQUEST, "malformed JSON" + at(parsing.getLocation()));
			}
			if (cause instanceof JacksonException json) {
				return problem(HttpStatus.BAD_REQUEST, "the request body is not valid JSON" + at(json.getLocation()));
			}
		}
		return problem(HttpStatus.BAD_REQUEST, failure instanceof HttpMessageNotReadableException
				? "the request body is missing or unreadable" : "the request body could not be read");
	}

	static String at(@Nullable TokenStreamLocation location) {
		return location == null || location.getLineNr() < 1 ? ""
				: " at line " + location.getLineNr() + ", column " + location.getColumnNr();
	}

	/** The sentence for a status raised without words for the caller. */
	static String describe(int status) {
		return switch (status) {
			case 400 -> "the request is malformed";
			case 404 -> "no such resource";
			case 405 -> "the method is not allowed here";
			case 413 -> "the request body is too large";
			case 500 -> "the request failed on the server; the failure is logged there";
			default -> Problems.title(status);
		};
	}

	private static ProblemDetail problem(HttpStatus status, String detail) {
		return ProblemDetail.forStatusAndDetail(status, detail);
	}

}
