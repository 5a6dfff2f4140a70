package io.cleave.gateway.web;

import io.cleave.status.Status;
import io.cleave.status.StatusException;
import io.cleave.status.StatusProblems;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Gateway failures as RFC 9457 problem details: a {@link StatusException} with the HTTP status of its status, and its
 * message as the detail (it is written for the caller); anything else as 500 without internals.
 */
@RestControllerAdvice(assignableTypes = ActController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class GatewayProblems {

	private static final Logger log = LoggerFactory.getLogger(GatewayProblems.class);

	@ExceptionHandler
	ProblemDetail on(StatusException ex) {
		if (ex.status() == Status.INTERNAL) {
			log.warn("Handler failure behind the gateway", ex);
		}
		return StatusProblems.of(ex);
	}
}
