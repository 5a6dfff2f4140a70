package io.cleave.gateway.web;

import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import io.cleave.gateway.GatewayProperties;

import org.jspecify.annotations.Nullable;
import org.springframework.http.server.PathContainer;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The request body limit of every route of the node, checked before a byte of the body is read: a declared
 * {@code Content-Length} over the route's limit gets 413 at once; a chunked body fails with {@link BodyTooLarge} (413)
 * as soon as it passes the limit, so no more than the limit is ever buffered.
 */
final class RequestBodyLimit extends OncePerRequestFilter {

	private final long defaultLimit;

	private final List<Route> routes;

	/**
	 * @param ownLimits path patterns of routes whose module enforces its own body limit (the registry's, sized like
	 * etcd's): left to it unless {@code cleave.gateway.body-limits} names them first
	 */
	RequestBodyLimit(GatewayProperties properties, List<String> ownLimits) {
		this.defaultLimit = properties.maxRequestSize().toBytes();
		this.routes = Stream.concat(properties.bodyLimits().stream()
				.map(limit -> new Route(PathPatternParser.defaultInstance.parse(limit.path()),
						limit.maxRequestSize().toBytes(), "cleave.gateway.body-limits[" + limit.path() + "]")),
				ownLimits.stream().map(path -> new Route(PathPatternParser.defaultInstance.parse(path), -1, "")))
				.toList();
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		Limit limit = limitOf(request);
		if (limit.bytes() < 0) {
			chain.doFilter(request, response);
			return;
		}
		long declared = request.getContentLengthLong();
		if (declared > limit.bytes()) {
			// Tomcat closes the connection rather than swallow a large unread body, so the client stops sending.
			Problems.write(response, 413, limit.exceeded());
			return;
		}
		chain.doFilter(declared < 0 ? new Bounded(request, limit) : request, response);
	}

	private Limit limitOf(HttpServletRequest request) {
		PathContainer path = PathContainer.parsePath(request.getRequestURI().substring(request.getContextPath().length()));
		for (Route route : routes) {
			if (route.pattern().matches(path)) {
				return new Limit(route.bytes(), route.setting());
			}
		}
		return new Limit(defaultLimit, "cleave.gateway.max-request-size");
	}

	private record Route(PathPattern pattern, long bytes, String setting) {
	}

	private record Limit(long bytes, String setting) {

		String exceeded() {
			return "the request body exceeds " + bytes + " bytes (" + setting + ")";
		}
	}

	/** A chunked body that went past its route's limit while being read; answered with 413. */
	static final class BodyTooLarge extends IOException {

		BodyTooLarge(String message) {
			super(message);
		}
	}

	private static final class Bounded extends HttpServletRequestWrapper {

		private final Limit limit;

		private @Nullable ServletInputStream bounded;

		Bounded(HttpServletRequest request, Limit limit) {
			super(request);
			this.limit = limit;
		}

		@Override
		public ServletInputStream getInputStream() throws IOException {
			if (bounded == null) {
				bounded = new BoundedStream(super.getInputStream(), limit);
			}
			return bounded;
		}
	}

	private static final class BoundedStream extends ServletInputStream {

		private final ServletInputStream body;

		private final Limit limit;

		private long read;

		BoundedStream(ServletInputStream body, Limit limit) {
			this.body = body;
			this.limit = limit;
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
			if (read > limit.bytes()) {
				throw new BodyTooLarge(limit.exceeded());
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
