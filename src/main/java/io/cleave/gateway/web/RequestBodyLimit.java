package io.cleave.gateway.web;

import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import io.cleave.gateway.GatewayProperties;
import io.cleave.status.RequestTooLarge;

import org.jspecify.annotations.Nullable;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The request body limit of every route of the node, checked before a byte of the body is read: a declared
 * {@code Content-Length} over the route's limit gets 413 at once; a chunked body fails with {@link RequestTooLarge} (413)
 * as soon as it passes the limit, so no more than the limit is ever buffered.
 */
// A plain HttpFilter: registered for REQUEST dispatches only, it runs once per request without OncePerRequestFilter's
// request-attribute bookkeeping (a set and a remove on every request).
final class RequestBodyLimit extends HttpFilter {

	private final long defaultLimit;

	private final List<Route> routes;

	/** The smallest of all limits: a body declared no larger passes every route's, whichever route it is for. */
	private final long smallestLimit;

	/**
	 * @param moduleLimits limits a module sets for its own routes (the registry's, sized like etcd's), applied unless
	 * {@code cleave.gateway.body-limits} names those routes first
	 */
	RequestBodyLimit(GatewayProperties properties, List<ModuleLimit> moduleLimits) {
		this.defaultLimit = properties.maxRequestSize().toBytes();
		this.routes = Stream.concat(properties.bodyLimits().stream()
				.map(limit -> new Route(PathPatternParser.defaultInstance.parse(limit.path()),
						limit.maxRequestSize().toBytes(), "cleave.gateway.body-limits[" + limit.path() + "]")),
				moduleLimits.stream().map(limit -> new Route(PathPatternParser.defaultInstance.parse(limit.path()),
						limit.bytes(), limit.setting())))
				.toList();
		this.smallestLimit = routes.stream().mapToLong(Route::bytes).reduce(defaultLimit, Math::min);
	}

	/**
	 * A module's own body limit for its routes.
	 *
	 * @param path a Spring path pattern
	 * @param bytes the largest body accepted
	 * @param setting the property that sets it, named in the 413's detail
	 */
	record ModuleLimit(String path, long bytes, String setting) {
	}

	@Override
	protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		long declared = request.getContentLengthLong();
		if (declared >= 0 && declared <= smallestLimit) {
			// Tomcat ends the body at its declared length: no route's limit to look up, no stream to bound (the path
			// parsed and matched against every route's pattern cost 2% of the edge's CPU per request).
			chain.doFilter(request, response);
			return;
		}
		Limit limit = limitOf(request);
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

		private void count(int n) throws RequestTooLarge {
			read += n;
			if (read > limit.bytes()) {
				throw new RequestTooLarge(limit.exceeded());
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
