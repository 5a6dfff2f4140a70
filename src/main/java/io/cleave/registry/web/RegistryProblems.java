package io.cleave.registry.web;

import java.util.stream.Collectors;

import io.cleave.registry.RegistryException;
import io.cleave.status.RequestTooLarge;
import io.cleave.status.StatusProblems;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

import tools.jackson.core.JacksonException;

/**
 * Registry failures as RFC 9457 problem details: the status their reason calls for, a detail naming what was wrong,
 * never a stack trace.
 */
@RestControllerAdvice(assignableTypes = RegistryController.class)
@Order(Ordered.HIGHEST_PRECEDENCE) // ahead of Boot's generic problem handler, whose details name nothing
class RegistryProblems {

	private static final String ETCD_PREFIX = "etcdserver: ";

	@ExceptionHandler
	ProblemDetail on(RegistryException ex) {
		HttpStatus status = switch (ex.reason()) {
			case INVALID_ARGUMENT, OUT_OF_RANGE -> HttpStatus.BAD_REQUEST;
			case NOT_FOUND -> HttpStatus.NOT_FOUND;
			case ALREADY_EXISTS, FAILED_PRECONDITION -> HttpStatus.CONFLICT;
			case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
		};
		String detail = ex.getMessage().startsWith(ETCD_PREFIX) ? ex.getMessage().substring(ETCD_PREFIX.length())
				: ex.getMessage();
		return problem(status, detail);
	}

	/** A request, key or value over the registry's limits: 413, naming the limit and its setting. */
	@ExceptionHandler
	ProblemDetail on(RegistryException.TooLarge ex) {
		return problem(HttpStatus.CONTENT_TOO_LARGE, ex.explanation());
	}

	/** A body cut off at the limit is 413; any other unreadable body, 400. */
	@ExceptionHandler
	ProblemDetail on(HttpMessageNotReadableException ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof RequestTooLarge tooLarge) {
				return problem(HttpStatus.CONTENT_TOO_LARGE, tooLarge.getMessage());
			}
		}
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			// Where the body breaks, never Jackson's message: that one can name Java types.
			if (cause instanceof JacksonException json && json.getLocation() != null
					&& json.getLocation().getLineNr() > 0) {
				return problem(HttpStatus.BAD_REQUEST, "request body is not valid JSON for this request (at line "
						+ json.getLocation().getLineNr() + ", column " + json.getLocation().getColumnNr() + ")");
			}
		}
		return problem(HttpStatus.BAD_REQUEST, "request body is not valid JSON for this request");
	}

	@ExceptionHandler
	ProblemDetail on(MethodArgumentNotValidException ex) {
		return problem(HttpStatus.BAD_REQUEST, ex.getBindingResult().getFieldErrors().stream()
				.map(error -> error.getField() + " " + error.getDefaultMessage())
				.sorted()
				.collect(Collectors.joining("; ")));
	}

	@ExceptionHandler
	ProblemDetail on(HandlerMethodValidationException ex) {
		return problem(HttpStatus.BAD_REQUEST, ex.getParameterValidationResults().stream()
				.flatMap(result -> result.getResolvableErrors().stream()
						.map(error -> result.getMethodParameter().getParameterName() + " " + error.getDefaultMessage()))
				.sorted()
				.collect(Collectors.joining("; ")));
	}

	@ExceptionHandler
	ProblemDetail on(MethodArgumentTypeMismatchException ex) {
		return problem(HttpStatus.BAD_REQUEST,
				StatusProblems.notConvertible(ex.getName(), ex.getValue(), ex.getRequiredType()));
	}

	private static ProblemDetail problem(HttpStatus status, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setTitle("Registry request rejected");
		return problem;
	}
}
