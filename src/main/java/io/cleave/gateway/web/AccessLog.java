package io.cleave.gateway.web;

import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One line per request on the {@value #LOGGER} logger, written by {@link RequestObservation} once the whole filter
 * chain returned (so rejections by authentication, rate and body limits are logged too): method, route template,
 * path, status, duration, client identity and trace id — as {@code key=value} text and as key-value pairs for
 * structured log formats. Bodies, headers and query strings are never logged: they may carry credentials.
 */
final class AccessLog {

	/** The logger of access lines, for operators to route (to a file, or off) on its own. */
	static final String LOGGER = "io.cleave.gateway.access";

	private static final Logger log = LoggerFactory.getLogger(LOGGER);

	/** Trace id of a request whose trace is unknown (no tracer, no valid {@code traceparent}). */
	static final String NO_TRACE = "-";

	/** Route of a request no route matched (refused by a filter first, or unknown). */
	static final String NO_ROUTE = "-";

	private AccessLog() {
	}

	/** Writes the line of a finished request, unless the access logger is off. */
	static void write(HttpServletRequest request, int status, long nanos, String trace) {
		if (!log.isInfoEnabled()) {
			return;
		}
		String route = GatewayRoutes.template(request);
		String duration = millis(nanos);
		String client = ClientIdentity.of(request);
		LoggingEventBuilder line = log.atInfo()
				.addKeyValue("method", request.getMethod())
				.addKeyValue("route", route == null ? NO_ROUTE : route)
				.addKeyValue("path", request.getRequestURI())
				.addKeyValue("status", status)
				.addKeyValue("duration_ms", duration)
				.addKeyValue("client", client)
				.addKeyValue("trace_id", trace);
		// The text built here rather than by SLF4J's formatter, which parses the pattern and boxes the status per line.
		line.log(new StringBuilder(160).append("method=").append(request.getMethod())
				.append(" route=").append(quoted(route == null ? NO_ROUTE : route))
				.append(" path=").append(quoted(request.getRequestURI()))
				.append(" status=").append(status)
				.append(" duration_ms=").append(duration)
				.append(" client=").append(quoted(client))
				.append(" trace_id=").append(trace)
				.toString());
	}

	/** Nanoseconds as milliseconds with three decimals ({@code 1.234}), without String.format's parsing per line. */
	static String millis(long nanos) {
		long micros = Math.max(0, (nanos + 500) / 1000);
		long fraction = micros % 1000;
		return new StringBuilder(12).append(micros / 1000).append('.')
				.append(fraction < 100 ? fraction < 10 ? "00" : "0" : "").append(fraction).toString();
	}

	/** The trace id of a W3C {@code traceparent} ({@code 00-<32 hex>-<16 hex>-<2 hex>}), or {@value #NO_TRACE}. */
	static String traceIdOf(@Nullable String traceparent) {
		if (traceparent == null || traceparent.length() < 55 || traceparent.charAt(2) != '-'
				|| traceparent.charAt(35) != '-') {
			return NO_TRACE;
		}
		String id = traceparent.substring(3, 35);
		return id.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f') && !id.equals("0".repeat(32))
				? id : NO_TRACE;
	}

	private static boolean bare(String value) {
		if (value.isEmpty()) {
			return false;
		}
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c <= ' ' || c >= 0x7f || c == '"' || c == '\\' || c == '=') {
				return false;
			}
		}
		return true;
	}

	/** A value as logfmt writes it: bare when it needs no quotes, else quoted with {@code "} and {@code \} escaped. */
	static String quoted(String value) {
		if (bare(value)) {
			return value;
		}
		StringBuilder quoted = new StringBuilder(value.length() + 2).append('"');
		value.codePoints().forEach(c -> {
			if (c == '"' || c == '\\') {
				quoted.append('\\').appendCodePoint(c);
			}
			else if (c < ' ' || c == 0x7f) {
				quoted.append(String.format(Locale.ROOT, "\\u%04x", c)); // no forged lines from a crafted path
			}
			else {
				quoted.appendCodePoint(c);
			}
		});
		return quoted.append('"').toString();
	}
}
