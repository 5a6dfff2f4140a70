package io.cleave.gateway.web;

import jakarta.servlet.http.HttpServletRequest;

import org.jspecify.annotations.Nullable;

/**
 * The server span of each HTTP request, as {@link RequestObservation} needs it: started from the request (continuing
 * the trace its headers carry), current on the request's thread while the filter chain runs, then named, tagged and
 * ended once the request is answered. On OpenTelemetry in {@code io.cleave.gateway.opentelemetry}; {@link #none()}
 * when tracing is off.
 */
public interface RequestSpans {

	/** Starts the span of {@code request}, named {@code name}, and makes it current on this thread. */
	Current start(HttpServletRequest request, String name);

	/** No spans (tracing off): a request's trace id is then that of its {@code traceparent}, if valid. */
	static RequestSpans none() {
		return (request, name) -> Untraced.INSTANCE;
	}

	/** A request's span while the request runs. */
	interface Current {

		/** Makes the span no longer current on this thread (it goes on until {@link #end}). */
		void leave();

		/** Whether the sampler chose to record the span: only then are a name and tags worth setting. */
		boolean recording();

		/** Names the span anew, once the request's route is known. */
		void rename(String name);

		/** Tags the span. */
		void tag(String key, String value);

		/** Ends the span, marked as failed by {@code error} if there is one. */
		void end(@Nullable Throwable error);

		/** The span's trace id, or null when the request has no span. */
		@Nullable String traceId();
	}

	/** The span of a request while tracing is off. */
	enum Untraced implements Current {

		INSTANCE;

		@Override
		public void leave() {
		}

		@Override
		public boolean recording() {
			return false;
		}

		@Override
		public void rename(String name) {
		}

		@Override
		public void tag(String key, String value) {
		}

		@Override
		public void end(@Nullable Throwable error) {
		}

		@Override
		public @Nullable String traceId() {
			return null;
		}
	}
}
