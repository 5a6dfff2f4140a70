package io.cleave.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.servlet.http.HttpServletResponse;

import io.cleave.rpc.RpcMethods;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.servlet.HandlerMapping;

/**
 * The request's {@code http.server.requests} timer as Spring's convention tagged it, plus the gateway's tags, for
 * answered, failed, unrouted and asynchronous requests. The span and the access line are covered through a node by
 * {@code TracePropagationTests} and {@link AccessLogTests}.
 */
class RequestObservationTests {

	/** DB/Query is the one declared RPC method. */
	private static final RpcMethods DECLARED = new RpcMethods() {

		@Override
		public List<Signature> all() {
			return List.of();
		}

		@Override
		public Optional<Signature> find(String service, String method) {
			return service.equals("DB") && method.equals("Query")
					? Optional.of(new Signature("DB", "Query", Record.class, Record.class, false, List.of()))
					: Optional.empty();
		}
	};

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	/** An observation without tracing, recording into {@code meters}. */
	static RequestObservation untraced(SimpleMeterRegistry meters) {
		return new RequestObservation(new RequestTimers(meters, "http.server.requests", new GatewayRoutes(DECLARED)),
				RequestSpans.none());
	}

	@Test
	void timesARoutedRequestWithSpringsTagsAndTheGatewaysOwn() throws Exception {
		MockHttpServletRequest request = rpcRequest("DB", "Query");

		untraced(meters).doFilter(request, new MockHttpServletResponse(), (req, res) -> { });

		Timer timer = meters.get("http.server.requests").timer();
		assertThat(timer.count()).isEqualTo(1);
		assertThat(timer.getId().getTags()).extracting(tag -> tag.getKey() + "=" + tag.getValue())
				.containsExactlyInAnyOrder("exception=none", "method=POST", "outcome=SUCCESS", "status=200",
						"uri=/api/{service}/{method}", "gateway.route=rpc", "rpc.service=DB", "rpc.method=Query");
	}

	@Test
	void countsRequestsWithTheSameTagsOnOneTimer() throws Exception {
		RequestObservation observation = untraced(meters);
		for (int i = 0; i < 3; i++) {
			observation.doFilter(rpcRequest("DB", "Query"), new MockHttpServletResponse(), (req, res) -> { });
		}
		observation.doFilter(rpcRequest("DB", "Nope"), new MockHttpServletResponse(),
				(req, res) -> ((HttpServletResponse) res).setStatus(404));

		assertThat(meters.get("http.server.requests").tag("rpc.method", "Query").timer().count()).isEqualTo(3);
		assertThat(meters.get("http.server.requests").tag("rpc.method", "UNKNOWN").tag("status", "404")
				.tag("outcome", "CLIENT_ERROR").timer().count()).isEqualTo(1);
	}

	@Test
	void recordsAFailureNoFilterHandledAs500WithItsExceptionName() {
		assertThatIllegalStateException().isThrownBy(() -> untraced(meters).doFilter(rpcRequest("DB", "Query"),
				new MockHttpServletResponse(), (req, res) -> {
					throw new IllegalStateException("boom");
				}));

		assertThat(meters.get("http.server.requests").tag("status", "500").tag("outcome", "SERVER_ERROR")
				.tag("exception", "IllegalStateException").timer().count()).isEqualTo(1);
	}

	@Test
	void namesAnUnroutedRequestByItsStatus() throws Exception {
		untraced(meters).doFilter(new MockHttpServletRequest("GET", "/no/such/route"), new MockHttpServletResponse(),
				(req, res) -> ((HttpServletResponse) res).setStatus(404));

		assertThat(meters.get("http.server.requests").tag("uri", "NOT_FOUND").tag("gateway.route", "none")
				.tag("rpc.service", "none").timer().count()).isEqualTo(1);
	}

	@Test
	void timesAnAsynchronousRequestWhenItCompletes() throws Exception {
		MockHttpServletRequest request = rpcRequest("DB", "Query");
		request.setAsyncSupported(true);
		MockHttpServletResponse response = new MockHttpServletResponse();

		untraced(meters).doFilter(request, response, (req, res) -> req.startAsync());
		assertThat(meters.find("http.server.requests").timer()).isNull();

		response.setStatus(202);
		request.getAsyncContext().complete();
		assertThat(meters.get("http.server.requests").tag("status", "202").timer().count()).isEqualTo(1);
	}

	@Test
	void registersATimerAgainOnceTheRegistryRemovedIt() throws Exception {
		RequestObservation observation = untraced(meters);
		observation.doFilter(rpcRequest("DB", "Query"), new MockHttpServletResponse(), (req, res) -> { });
		meters.remove(meters.get("http.server.requests").timer());

		observation.doFilter(rpcRequest("DB", "Query"), new MockHttpServletResponse(), (req, res) -> { });

		assertThat(meters.get("http.server.requests").timer().count()).isEqualTo(1);
	}

	/** A request as Spring MVC leaves it once GatewayHandlerMapping routed it to the RPC controller. */
	private static MockHttpServletRequest rpcRequest(String service, String method) {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/" + service + "/" + method);
		request.setAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE, GatewayRoutes.RPC_ROUTE);
		request.setAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE,
				Map.of("service", service, "method", method));
		return request;
	}

}
