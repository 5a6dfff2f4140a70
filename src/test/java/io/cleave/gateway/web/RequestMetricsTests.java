package io.cleave.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;

import ch.qos.logback.classic.LoggerContext;

import io.cleave.testing.OneNodeOverHttp;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * {@code http.server.requests} on {@code /actuator/prometheus}: Boot's uri template, status and outcome, plus the
 * gateway's route kind and the declared RPC service and method — never a name a caller made up; Tomcat's session
 * meters and the log events by level beside them.
 */
class RequestMetricsTests extends OneNodeOverHttp {

	@Test
	void tagsRpcRequestsWithTheDeclaredServiceAndMethod() throws Exception {
		postAsUser("/api/DB/Update", "{\"key\":\"metrics\",\"value\":\"v\"}");
		postAsUser("/api/dB/query", "{\"key\":\"metrics\"}");

		assertThat(requestSeries()).anySatisfy(series -> assertThat(series).contains("gateway_route=\"rpc\"",
				"rpc_service=\"DB\"", "rpc_method=\"Query\"", "uri=\"/api/{service}/{method}\"", "status=\"200\"",
				"outcome=\"SUCCESS\""));
	}

	@Test
	void tagsRpcRequestsForUndeclaredNamesAsUnknown() throws Exception {
		postAsUser("/api/NoSuchService/Anything", "{}");
		postAsUser("/api/DB/NoSuchMethod", "{}");

		List<String> series = requestSeries();
		assertThat(series).anySatisfy(line -> assertThat(line).contains("gateway_route=\"rpc\"",
				"rpc_service=\"UNKNOWN\"", "rpc_method=\"UNKNOWN\"", "status=\"404\""));
		assertThat(String.join("\n", series)).doesNotContain("NoSuchService", "NoSuchMethod");
	}

	@Test
	void tagsActAndOtherResourcesByRoute() throws Exception {
		postAsUser("/act", "{\"role\":\"metrics-test\",\"cmd\":\"nobody\"}");

		assertThat(requestSeries()).anySatisfy(series -> assertThat(series).contains("gateway_route=\"act\"",
				"rpc_service=\"none\"", "uri=\"/act\"", "status=\"404\""));
		assertThat(requestSeries()).anySatisfy(series -> assertThat(series).contains("gateway_route=\"none\"",
				"uri=\"/actuator/prometheus\""));
	}

	@Test
	void exposesTomcatsSessionMetrics() throws Exception {
		String metrics = getAsOperator("/actuator/prometheus").body();

		assertThat(metrics).contains("tomcat_sessions_active_current_sessions", "tomcat_sessions_created_sessions_total");
	}

	@Test
	void exposesTheConnectionPoolsGaugesButNotItsTimersOfEachBorrow() throws Exception {
		postAsUser("/api/DB/Query", "{\"key\":\"pool\"}");
		String metrics = getAsOperator("/actuator/prometheus").body();

		assertThat(metrics).contains("hikaricp_connections_active{", "hikaricp_connections_pending{",
				"hikaricp_connections_timeout_total{");
		assertThat(metrics).doesNotContain("hikaricp_connections_acquire_seconds", "hikaricp_connections_usage_seconds");
	}

	@Test
	void countsLogEventsByLevelWithoutATurboFilterOnEveryLevelCheck() throws Exception {
		String metrics = getAsOperator("/actuator/prometheus").body();

		assertThat(metrics).contains("logback_events_total{", "level=\"info\"");
		assertThat(((LoggerContext) LoggerFactory.getILoggerFactory()).getTurboFilterList()).isEmpty();
	}

	/** The {@code http_server_requests_seconds_count} series. */
	private List<String> requestSeries() throws Exception {
		String metrics = getAsOperator("/actuator/prometheus").body();
		return Arrays.stream(metrics.split("\n"))
				.filter(line -> line.startsWith("http_server_requests_seconds_count{"))
				.toList();
	}
}
