package io.cleave.gateway.web;

import java.io.IOException;

import io.cleave.rpc.InvalidRequestException;
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
		ProblemDetail problem = StatusProblems.of(failure);
		if (failure instanceof InvalidRequestException invalid) {
			problem.setProperty("violations", invalid.violations());
		}
		return problem;
	}

	/** A body cut off at the request size limit, or one the client stopped sending: answered like every route. */
	@ExceptionHandler
	ProblemDetail on(IOException failure) {
		return NodeProblems.unreadableBody(failure);
	}

	/** A failure the callee did not declare is a bug on the server's side: logged in full, answered without details. */
	@ExceptionHandler
	ProblemDetail on(RuntimeException failure) {
		log.error("RPC call failed unexpectedly", failure);
		return StatusProblems.of(Status.INTERNAL, "the call failed on the server; the failure is logged there");
	}
}
