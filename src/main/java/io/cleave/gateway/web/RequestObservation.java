package io.cleave.gateway.web;

import java.io.IOException;
import java.util.Locale;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.micrometer.observation.ObservationRegistry;

import org.jspecify.annotations.Nullable;
import org.springframework.web.filter.ServerHttpObservationFilter;
import org.springframework.web.servlet.HandlerMapping;

/**
 * The node's observation of every HTTP request, outermost of its filters, so that it sees what every other filter
 * (authentication, limits) answered: the request's server span ({@link RequestSpans}, continuing an incoming W3C
 * {@code traceparent}; named {@code http <method> <route template>}, tagged like the timer plus {@code http.url};
 * current while the chain runs, so that logs, RPC calls, messages and proxied calls join the
 * trace), its {@code http.server.requests} timer ({@link RequestTimers}: Boot's tags plus the gateway's route, RPC
 * service and method) and its {@link AccessLog} line — route, status and duration worked out once for all three.
 * <p>
 * It takes the place of Spring's {@link ServerHttpObservationFilter}, whose type it keeps so that Boot registers no
 * second one. The meter, its tags and the span are those Spring's filter and Micrometer's handlers made; what is left
 * out is the generic Observation machinery between them (a context, key values built, sorted and converted twice,
 * handler lists, a scope stack), which cost the edge about 5 µs of its ~41 µs per request (bench/gateway.sh, JFR).
 * Observation handlers and conventions an application registers therefore no longer see HTTP server requests.
 */
final class RequestObservation extends ServerHttpObservationFilter {

	private final RequestTimers timers;

	private final RequestSpans spans;

	RequestObservation(RequestTimers timers, RequestSpans spans) {
		super(ObservationRegistry.NOOP); // only the type is Spring's: none of its Observation machinery runs
		this.timers = timers;
		this.spans = spans;
	}

	@Override
	protected boolean shouldNotFilterAsyncDispatch() {
		return true; // an async request is finished by its listener, registered on its first dispatch
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		long start = System.nanoTime();
		RequestSpans.Current span = spans.start(request, "http " + request.getMethod().toLowerCase(Locale.ROOT));
		Throwable failure = null;
		try {
			chain.doFilter(request, response);
		}
		catch (IOException | ServletException | RuntimeException | Error thrown) {
			failure = thrown instanceof ServletException && thrown.getCause() != null ? thrown.getCause() : thrown;
			response.setStatus(HttpServletResponse.SC_INTERNAL_SERVER_ERROR); // what the container answers
			throw thrown;
		}
		finally {
			span.leave(); // off this thread either way; an async request's span ends with the request
			if (failure == null && request.isAsyncStarted() && request.getDispatcherType() == DispatcherType.REQUEST) {
				request.getAsyncContext().addListener(new Completion(request, response, span, start));
			}
			else {
				finish(request, response, span, start, failure);
			}
		}
	}

	private void finish(HttpServletRequest request, HttpServletResponse response, RequestSpans.Current span,
			long start, @Nullable Throwable failure) {
		long nanos = System.nanoTime() - start;
		Throwable error = failure != null ? failure
				: request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable handled ? handled : null;
		int status = response.getStatus();
		RequestTimers.Tags tags = timers.tags(request, status, error);
		timers.record(tags, nanos);
		if (span.recording()) {
			if (request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE) instanceof String pattern) {
				span.rename("http " + request.getMethod().toLowerCase(Locale.ROOT) + " " + pattern);
			}
			tags.forEach(span::tag);
			span.tag("http.url", request.getRequestURI());
		}
		span.end(error);
		String trace = span.traceId();
		AccessLog.write(request, status, nanos,
				trace != null ? trace : AccessLog.traceIdOf(request.getHeader("traceparent")));
	}

	/** Finishes a request that went async once it completes: its status is known only then. */
	private final class Completion implements AsyncListener {

		private final HttpServletRequest request;

		private final HttpServletResponse response;

		private final RequestSpans.Current span;

		private final long start;

		private @Nullable Throwable error;

		Completion(HttpServletRequest request, HttpServletResponse response, RequestSpans.Current span, long start) {
			this.request = request;
			this.response = response;
			this.span = span;
			this.start = start;
		}

		@Override
		public void onStartAsync(AsyncEvent event) {
			event.getAsyncContext().addListener(this); // async started again: stay registered
		}

		@Override
		public void onError(AsyncEvent event) {
			this.error = event.getThrowable();
		}

		@Override
		public void onTimeout(AsyncEvent event) {
		}

		@Override
		public void onComplete(AsyncEvent event) {
			finish(this.request, this.response, this.span, this.start, this.error);
		}
	}
}
