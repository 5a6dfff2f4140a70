package io.cleave.gateway.tomcat;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

import io.cleave.gateway.web.Problems;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.apache.tomcat.util.res.StringManager;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tomcat's last-resort error report as an RFC 9457 problem instead of an HTML page: it answers what Tomcat rejects
 * before any servlet runs (an encoded {@code /} in the path, a malformed request line, an unsupported HTTP version,
 * oversized headers), with the status and a fixed sentence, never Tomcat's text or an exception.
 */
final class ProblemErrorReportValve extends ErrorReportValve {

	private static final Logger log = LoggerFactory.getLogger(ProblemErrorReportValve.class);

	/** Tomcat's message for a request head over its buffer, in the JVM's locale as Tomcat itself words it. */
	private static final String HEADER_TOO_LARGE = StringManager.getManager("org.apache.coyote.http11")
			.getString("iib.requestheadertoolarge.error");

	@Override
	protected void report(Request request, Response response, @Nullable Throwable throwable) {
		int status = response.getStatus();
		if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
			return;
		}
		AtomicBoolean ioAllowed = new AtomicBoolean(false);
		response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
		if (!ioAllowed.get()) {
			return;
		}
		if (status == 400 && throwable instanceof IllegalArgumentException && HEADER_TOO_LARGE.equals(throwable.getMessage())) {
			// Tomcat answers headers over server.max-http-request-header-size with 400; RFC 6585 has 431 for it.
			status = 431;
			response.setStatus(status);
		}
		try {
			byte[] body = Problems.body(status, TomcatProblems.describe(status));
			response.resetBuffer();
			response.setContentType("application/problem+json");
			response.setContentLength(body.length);
			response.getOutputStream().write(body);
			response.finishResponse();
		}
		catch (IOException | IllegalStateException ex) {
			// The client is gone or the response was taken over: nothing more can be sent.
			log.debug("Could not send the error problem", ex);
		}
	}
}
