package io.cleave.gateway.web;

import java.io.IOException;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The node's error page (replacing Boot's whitelabel page and its JSON map): whatever reached the servlet container's
 * error handling — a {@code sendError}, an exception no handler took, a filter's failure — is answered as an RFC 9457
 * problem, whatever the client accepts, with a message only when code wrote it for the caller and never an exception's.
 */
@RestController
class ProblemErrorController implements ErrorController {

	@RequestMapping("${server.error.path:${error.path:/error}}")
	void error(HttpServletRequest request, HttpServletResponse response) throws IOException {
		if (request.getDispatcherType() != DispatcherType.ERROR) {
			// Asked for directly: the error page is not a route.
			Problems.write(response, HttpStatus.NOT_FOUND.value(),
					"no route for " + request.getMethod() + " " + request.getRequestURI());
			return;
		}
		int status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer code && code >= 400
				? code : HttpStatus.INTERNAL_SERVER_ERROR.value();
		Object failure = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
		String message = request.getAttribute(RequestDispatcher.ERROR_MESSAGE) instanceof String text ? text : "";
		// An exception's message is for the log (the container logged it); sendError's message was written to be sent.
		String detail = failure == null && !message.isBlank() && status < 500 ? message : NodeProblems.describe(status);
		Problems.write(response, status, detail);
	}
}
