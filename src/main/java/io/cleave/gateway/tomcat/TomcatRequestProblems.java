package io.cleave.gateway.tomcat;

import org.apache.tomcat.util.http.InvalidParameterException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Parameters Tomcat cannot decode ({@code ?=x}, bytes that are not UTF-8), met when a handler first reads one: 400
 * without Tomcat's message (it quotes the raw bytes) and without an error log with a stack trace.
 */
@RestControllerAdvice
class TomcatRequestProblems {

	@ExceptionHandler
	ProblemDetail on(InvalidParameterException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
				"the query string or form parameters are malformed (empty names or undecodable bytes)");
	}
}
