package io.cleave.messaging.web;

import io.cleave.status.StatusException;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/** Messaging API failures as RFC 9457 problem details, with the HTTP status of their {@code Status}. */
@RestControllerAdvice(assignableTypes = MessagingController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class MessagingProblems {

	@ExceptionHandler
	ProblemDetail on(StatusException ex) {
		return problem(HttpStatusCode.valueOf(ex.status().httpStatus()), ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail on(MethodArgumentTypeMismatchException ex) {
		return problem(HttpStatus.BAD_REQUEST, ex.getName() + " '" + ex.getValue() + "' is not a valid "
				+ (ex.getRequiredType() == null ? "value" : ex.getRequiredType().getSimpleName()));
	}

	private static ProblemDetail problem(HttpStatusCode status, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setTitle("Messaging request rejected");
		return problem;
	}
}
