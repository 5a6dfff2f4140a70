package io.cleave.messaging.web;

import io.cleave.status.Status;
import io.cleave.status.StatusException;
import io.cleave.status.StatusProblems;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
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
		return StatusProblems.of(ex);
	}

	@ExceptionHandler
	ProblemDetail on(MethodArgumentTypeMismatchException ex) {
		return StatusProblems.of(Status.INVALID_ARGUMENT,
				StatusProblems.notConvertible(ex.getName(), ex.getValue(), ex.getRequiredType()));
	}
}
