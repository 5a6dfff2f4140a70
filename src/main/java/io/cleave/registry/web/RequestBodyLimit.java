package io.cleave.registry.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies larger than the registry's request limit before reading them: a declared
 * {@code Content-Length} over the limit gets 413 at once (with {@code Expect: 100-continue} the client never even
 * sends the body); a body of unknown length is cut off as soon as it passes the limit. Either way nothing of it is
 * stored.
 */
final class RequestBodyLimit extends OncePerRequestFilter {

	private final long limit;

	RequestBodyLimit(long limit) {
		this.limit = limit;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		long declared = request.getContentLengthLong();
		if (declared > limit) {
			// Tomcat closes the connection rather than read an unread body past its swallow limit.
			response.setStatus(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
			response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
			response.setCharacterEncoding(StandardCharsets.UTF_8.name());
			response.getWriter().write("{\"type\":\"about:blank\",\"title\":\"Registry request rejected\",\"status\":413,"
					+ "\"detail\":\"" + tooLarge(declared) + "\"}");
			return;
		}
		chain.doFilter(declared < 0 ? new Bounded(request) : request, response);
	}

	String tooLarge(long size) {
		return "request body is too large: " + (size < 0 ? "more than " + limit : size) + " bytes, at most " + limit
				+ " allowed (cleave.registry.limits.request-size)";
	}

	/** Thrown while reading a body of undeclared length once it passes the limit; answered with 413. */
	static final class BodyTooLarge extends IOException {

		BodyTooLarge(String message) {
			super(message);
		}
	}

	/** A request whose body stream fails once more than the limit has been read. */
	private final class Bounded extends HttpServletRequestWrapper {

		private @Nullable ServletInputStream bounded;

		Bounded(HttpServletRequest request) {
			super(request);
		}

		@Override
		public ServletInputStream getInputStream() throws IOException {
			if (bounded == null) {
				bounded = new BoundedStream(super.getInputStream());
			}
			return bounded;
		}
	}

	private final class BoundedStream extends ServletInputStream {

		private final ServletInputStream body;

		private long read;

		BoundedStream(ServletInputStream body) {
			this.body = body;
		}

		@Override
		public int read() throws IOException {
			int b = body.read();
			if (b >= 0) {
				count(1);
			}
			return b;
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			int n = body.read(buffer, offset, length);
			if (n > 0) {
				count(n);
			}
			return n;
		}

		private void count(int n) throws BodyTooLarge {
			read += n;
			if (read > limit) {
				throw new BodyTooLarge(tooLarge(-1));
			}
		}

		@Override
		public boolean isFinished() {
			return body.isFinished();
		}

		@Override
		public boolean isReady() {
			return body.isReady();
		}

		@Override
		public void setReadListener(ReadListener listener) {
			body.setReadListener(listener);
		}
	}
}
