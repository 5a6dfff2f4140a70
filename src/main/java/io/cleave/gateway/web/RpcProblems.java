package io.cleave.gateway.web;

import io.cleave.rpc.InvalidRequestException;
import io.cleave.status.Status;
import io.cleave.status.StatusException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * RPC failures as RFC 9457 problem details: the HTTP status of the call's {@link Status}, the status's name as
 * {@code code}, the callee's message as {@code detail}, the fields at fault as {@code violations}; never a stack
 * trace.
 */
@RestControllerAdvice(assignableTypes = RpcController.class)
@Order(Ordered.HIGHEST_PRECEDENCE) // ahead of Boot's generic problem handler
class RpcProblems {

	private static final Logger log = LoggerFactory.getLogger(RpcProblems.class);

	@ExceptionHandler
	ProblemDetail on(StatusException failure) {
		ProblemDetail problem = problem(failure.status(), failure.getMessage());
		if (failure instanceof InvalidRequestException invalid) {
			problem.setProperty("violations", invalid.violations());
		}
		return problem;
	}

	@ExceptionHandler
	ProblemDetail on(RpcController.RequestTooLarge tooLarge) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE, tooLarge.getMessage());
		problem.setTitle(HttpStatus.CONTENT_TOO_LARGE.getReasonPhrase());
		return problem;
	}

	/** A failure the callee did not declare is a bug on the server's side: logged in full, answered without details. */
	@ExceptionHandler
	ProblemDetail on(RuntimeException failure) {
		log.error("RPC call failed unexpectedly", failure);
		return problem(Status.INTERNAL, "the call failed on the server; the failure is logged there");
	}

	private static ProblemDetail problem(Status status, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatusCode.valueOf(status.httpStatus()), detail);
		problem.setTitle(title(status));
		problem.setProperty("code", status.name());
		return problem;
	}

	private static String title(Status status) {
		HttpStatus http = HttpStatus.resolve(status.httpStatus());
		return http == null ? status.name() : http.getReasonPhrase();
	}
}
