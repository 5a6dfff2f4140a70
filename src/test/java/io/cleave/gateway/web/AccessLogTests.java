package io.cleave.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import ch.qos.logback.classic.spi.ILoggingEvent;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.cleave.testing.CapturedLog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.cleave.testing.OneNodeOverHttp;
import io.cleave.testing.TestCallers;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** The access log: one structured line per request, whoever answered it, and nothing a caller meant to keep secret. */
class AccessLogTests extends OneNodeOverHttp {

	private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";

	private CapturedLog log;

	@BeforeEach
	void capture() {
		log = CapturedLog.of(AccessLog.LOGGER);
	}

	@AfterEach
	void release() {
		log.close();
	}

	@Test
	void writesOneLineWithMethodRouteStatusDurationClientAndTraceId() throws Exception {
		HttpResponse<String> response = send(TestCallers.asUser(request("/api/DB/Query"))
				.header("Content-Type", "application/json")
				.header("traceparent", "00-" + TRACE_ID + "-b7ad6b7169203331-01")
				.POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"access-log-missing\"}")));
		assertThat(response.statusCode()).isEqualTo(404);

		ILoggingEvent line = awaitOneLine(values -> "/api/DB/Query".equals(values.get("path")));

		assertThat(CapturedLog.keyValues(line))
				.containsEntry("method", "POST")
				.containsEntry("route", "/api/{service}/{method}")
				.containsEntry("status", "404")
				.hasEntrySatisfying("client", client -> assertThat(client).isNotBlank())
				.containsEntry("trace_id", TRACE_ID)
				.hasEntrySatisfying("duration_ms", duration -> assertThat(Double.parseDouble(duration)).isPositive());
		Map<String, String> values = CapturedLog.keyValues(line);
		assertThat(line.getFormattedMessage()).isEqualTo("method=POST route=/api/{service}/{method} path=/api/DB/Query"
				+ " status=404 duration_ms=" + values.get("duration_ms") + " client=" + AccessLog.quoted(values.get("client"))
				+ " trace_id=" + TRACE_ID);
	}

	@Test
	void neverLogsQueryStringsHeadersOrBodies() throws Exception {
		send(TestCallers.asUser(request("/api/DB/Query?api_key=query-secret"))
				.header("Content-Type", "application/json")
				.header("X-Api-Key", "header-secret")
				.POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"body-secret\"}")));

		ILoggingEvent line = awaitOneLine(values -> "/api/DB/Query".equals(values.get("path")));

		assertThat(line.getFormattedMessage() + CapturedLog.keyValues(line))
				.doesNotContain("secret", "api_key", "X-Api-Key");
	}

	@Test
	void logsRequestsThatFiltersRefusedBeforeAnyRouteMatched() throws Exception {
		HttpResponse<String> response = postAsUser("/act", "{\"padding\":\"" + "x".repeat(2048) + "\"}");
		assertThat(response.statusCode()).isEqualTo(413);

		ILoggingEvent line = awaitOneLine(values -> "/act".equals(values.get("path")));

		assertThat(CapturedLog.keyValues(line))
				.containsEntry("status", "413")
				.containsEntry("route", "-")
				.hasEntrySatisfying("trace_id", id -> assertThat(id).matches("[0-9a-f]{32}"));
	}

	@Test
	void logsRequestsNoRouteServes() throws Exception {
		assertThat(send(TestCallers.asUser(request("/no/such/route")).GET()).statusCode()).isEqualTo(404);

		assertThat(CapturedLog.keyValues(awaitOneLine(values -> "/no/such/route".equals(values.get("path")))))
				.containsEntry("method", "GET")
				.containsEntry("status", "404");
	}

	@Test
	void namesTheCallerAuthenticationRecognisedWhileTheChainRan() throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/registry/keys");
		MockHttpServletResponse response = new MockHttpServletResponse();

		RequestObservationTests.untraced(new SimpleMeterRegistry()).doFilter(request, response, (req, res) -> {
			ClientIdentity.set((HttpServletRequest) req, "alice");
			((HttpServletResponse) res).setStatus(403);
		});

		assertThat(CapturedLog.keyValues(awaitOneLine(values -> "alice".equals(values.get("client")))))
				.containsEntry("status", "403")
				.containsEntry("path", "/registry/keys")
				.containsEntry("trace_id", "-");
	}

	@Test
	void logsAFailureNoFilterHandledAs500() {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/act");
		request.addHeader("traceparent", "00-" + TRACE_ID + "-b7ad6b7169203331-01");

		assertThatIllegalStateException().isThrownBy(() -> RequestObservationTests.untraced(new SimpleMeterRegistry()).doFilter(request,
				new MockHttpServletResponse(), (req, res) -> {
					throw new IllegalStateException("boom");
				}));
		assertThat(CapturedLog.keyValues(awaitOneLine(values -> TRACE_ID.equals(values.get("trace_id")))))
				.containsEntry("status", "500")
				.containsEntry("client", "anonymous@127.0.0.1");
	}

	@Test
	void writesTheDurationInMillisecondsWithThreeDecimals() {
		assertThat(AccessLog.millis(1_234_567)).isEqualTo("1.235");
		assertThat(AccessLog.millis(5_000)).isEqualTo("0.005");
		assertThat(AccessLog.millis(40_000)).isEqualTo("0.040");
		assertThat(AccessLog.millis(12_000_000_000L)).isEqualTo("12000.000");
		assertThat(AccessLog.millis(0)).isEqualTo("0.000");
	}

	@Test
	void quotesValuesSoThatACraftedPathCannotForgeALine() {
		assertThat(AccessLog.quoted("/api/DB/Query")).isEqualTo("/api/DB/Query");
		assertThat(AccessLog.quoted("/a b\n method=GET \"x\"")).isEqualTo("\"/a b\\u000a method=GET \\\"x\\\"\"");
		assertThat(AccessLog.quoted("")).isEqualTo("\"\"");
	}

	@Test
	void readsTheTraceIdOfAValidTraceparentOnly() {
		assertThat(AccessLog.traceIdOf("00-" + TRACE_ID + "-b7ad6b7169203331-01")).isEqualTo(TRACE_ID);
		assertThat(AccessLog.traceIdOf("00-" + "0".repeat(32) + "-b7ad6b7169203331-01")).isEqualTo("-");
		assertThat(AccessLog.traceIdOf("00-" + TRACE_ID.toUpperCase() + "-b7ad6b7169203331-01")).isEqualTo("-");
		assertThat(AccessLog.traceIdOf("garbage")).isEqualTo("-");
		assertThat(AccessLog.traceIdOf(null)).isEqualTo("-");
	}

	private ILoggingEvent awaitOneLine(Predicate<Map<String, String>> matching) {
		return await().atMost(Duration.ofSeconds(5)).until(() -> lines(matching), lines -> lines.size() == 1)
				.getFirst();
	}

	private List<ILoggingEvent> lines(Predicate<Map<String, String>> matching) {
		return log.events().stream().filter(event -> matching.test(CapturedLog.keyValues(event))).toList();
	}
}
