package io.cleave.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

import jakarta.servlet.ServletContext;

import io.cleave.kv.DB;
import io.cleave.testing.OneNodeOverHttp;
import io.cleave.testing.TestCallers;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.cloud.gateway.server.mvc.filter.WeightCalculatorFilter;
import org.springframework.context.ApplicationContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.function.support.RouterFunctionMapping;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * {@link GatewayHandlerMapping} serves {@code /api/{service}/{method}} and {@code /act} before Spring MVC's generic
 * lookup (and, on this node without proxy routes, before the router functions; {@code ProxyRoutesTests} has them
 * first), and leaves what it does not recognise to the generic lookup.
 */
class GatewayHandlerMappingTests extends OneNodeOverHttp {

	@Autowired
	DispatcherServlet dispatcher;

	@Test
	void comesFirstWhenNoProxyRouteIsConfigured() {
		List<HandlerMapping> mappings = dispatcher.getHandlerMappings();
		assertThat(mappings).isNotNull();
		int router = indexOf(mappings, RouterFunctionMapping.class);
		int gateway = indexOf(mappings, GatewayHandlerMapping.class);
		int generic = mappings.indexOf(mappings.stream()
				.filter(mapping -> mapping.getClass() == RequestMappingHandlerMapping.class).findFirst().orElseThrow());
		assertThat(gateway).isLessThan(router);
		assertThat(gateway).isLessThan(generic);
		assertThat(gateway).as("ahead of the actuator's endpoints too").isZero();
	}

	@Test
	void drawsNoWeightGroupsWithoutProxyRoutes() {
		assertThat(context.getBeansOfType(WeightCalculatorFilter.class)).as("the bean stays").hasSize(1);
		assertThat(servletContext.getFilterRegistrations().values())
				.noneSatisfy(filter -> assertThat(filter.getClassName()).isEqualTo(WeightCalculatorFilter.class.getName()));
	}

	@Autowired
	ServletContext servletContext;

	@Autowired
	ApplicationContext context;

	@Test
	void goesAheadOfTheActuatorOnlyWhenItsBasePathCannotHoldTheRoutes() {
		assertThat(GatewayWebConfiguration.outsideTheRoutes("/actuator")).isTrue();
		assertThat(GatewayWebConfiguration.outsideTheRoutes("/manage/")).isTrue();
		assertThat(GatewayWebConfiguration.outsideTheRoutes("/apis")).isTrue();
		assertThat(GatewayWebConfiguration.outsideTheRoutes("/api")).isFalse();
		assertThat(GatewayWebConfiguration.outsideTheRoutes("/api/")).isFalse();
		assertThat(GatewayWebConfiguration.outsideTheRoutes("/api/manage")).isFalse();
		assertThat(GatewayWebConfiguration.outsideTheRoutes("/act")).isFalse();
		assertThat(GatewayWebConfiguration.outsideTheRoutes("/")).isFalse();
		assertThat(GatewayWebConfiguration.outsideTheRoutes("")).isFalse();
	}

	@Test
	void answersRpcCallsWithTheirJsonReplyAsIs() throws Exception {
		postAsUser("/api/DB/Update", "{\"key\":\"mapping\",\"value\":\"v\"}");

		var reply = postAsUser("/api/DB/Query", "{\"key\":\"mapping\"}");

		assertThat(reply.statusCode()).isEqualTo(200);
		assertThat(reply.headers().firstValue("Content-Type")).hasValue("application/json");
		assertThat(reply.headers().firstValue("Content-Length")).hasValue("13");
		assertThat(reply.headers().firstValue("Date")).hasValueSatisfying(date -> assertThat(
				Duration.between(ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant(),
						Instant.now()).abs()).isLessThan(Duration.ofMinutes(1)));
		assertThat(reply.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
		assertThat(reply.body()).isEqualTo("{\"value\":\"v\"}");
	}

	@Test
	void answersAReplyLargerThanTheResponseBufferWithItsLength(@Autowired DB db) throws Exception {
		String value = "v".repeat(20_000);
		db.update(new DB.UpdateRequest("mapping-large", value));

		var reply = postAsUser("/api/DB/Query", "{\"key\":\"mapping-large\"}");

		assertThat(reply.statusCode()).isEqualTo(200);
		assertThat(reply.headers().firstValue("Content-Length")).hasValue(String.valueOf(value.length() + 12));
		assertThat(reply.body()).isEqualTo("{\"value\":\"" + value + "\"}");
	}

	@Test
	void leavesOtherAcceptHeadersToTheGenericLookup() throws Exception {
		var json = send(authorized("/api/DB/Update").header("Accept", "text/html, application/json;q=0.9"));
		var html = send(authorized("/api/DB/Update").header("Accept", "text/html"));

		assertThat(json.statusCode()).isEqualTo(200);
		assertThat(html.statusCode()).isEqualTo(406);
		assertThat(html.headers().firstValue("Content-Type")).hasValue("application/problem+json");
	}

	@Test
	void leavesEncodedAndOddPathsToTheGenericLookup() throws Exception {
		assertThat(send(authorized("/api/D%42/Update")).statusCode()).as("encoded").isEqualTo(200);
		assertThat(send(authorized("/api/DB/Update/")).statusCode()).as("trailing slash").isEqualTo(404);
		assertThat(send(authorized("/api/DB")).statusCode()).as("no method").isEqualTo(404);
	}

	@Test
	void plainRpcCallsAreAnsweredWithoutSpringMvcsDispatchAndOthersAreDispatched() throws Exception {
		assertThat(dispatcher).isInstanceOf(GatewayDispatcherServlet.class);
		assertThat(((GatewayDispatcherServlet) dispatcher).answersRpcCallsItself()).isTrue();
		postAsUser("/api/DB/Update", "{\"key\":\"dispatch\",\"value\":\"v\"}");

		MockHttpServletResponse plain = new MockHttpServletResponse();
		MockHttpServletRequest plainCall = call("/api/DB/Query", "{\"key\":\"dispatch\"}");
		dispatcher.service(plainCall, plain);
		MockHttpServletResponse encoded = new MockHttpServletResponse();
		MockHttpServletRequest encodedCall = call("/api/D%42/Query", "{\"key\":\"dispatch\"}");
		dispatcher.service(encodedCall, encoded);

		assertThat(plain.getStatus()).isEqualTo(200);
		assertThat(plain.getContentAsString()).isEqualTo("{\"value\":\"v\"}");
		assertThat(plainCall.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE)).isEqualTo("/api/{service}/{method}");
		assertThat(plainCall.getAttribute(DispatcherServlet.WEB_APPLICATION_CONTEXT_ATTRIBUTE))
				.as("Spring MVC's dispatch did not run").isNull();
		assertThat(encoded.getStatus()).isEqualTo(200);
		assertThat(encoded.getContentAsString()).isEqualTo("{\"value\":\"v\"}");
		assertThat(encodedCall.getAttribute(DispatcherServlet.WEB_APPLICATION_CONTEXT_ATTRIBUTE))
				.as("dispatched by Spring MVC").isNotNull();
	}

	@Test
	void aFailedCallAnsweredWithoutSpringMvcsDispatchIsTheSameProblem() throws Exception {
		MockHttpServletResponse missing = new MockHttpServletResponse();
		dispatcher.service(call("/api/DB/Query", "{\"key\":\"dispatch-missing\"}"), missing);
		MockHttpServletResponse invalid = new MockHttpServletResponse();
		dispatcher.service(call("/api/DB/Query", "{\"key\":\"\"}"), invalid);
		MockHttpServletResponse malformed = new MockHttpServletResponse();
		dispatcher.service(call("/api/DB/Query", "{\"key\":"), malformed);
		// The same call with an Accept header the gateway's mapping leaves to Spring MVC's dispatch.
		MockHttpServletRequest dispatchedCall = call("/api/DB/Query", "{\"key\":\"dispatch-missing\"}");
		dispatchedCall.addHeader("Accept", "application/json, application/problem+json");
		MockHttpServletResponse dispatched = new MockHttpServletResponse();
		dispatcher.service(dispatchedCall, dispatched);

		assertThat(missing.getStatus()).isEqualTo(404);
		assertThat(missing.getContentType()).isEqualTo("application/problem+json");
		assertThat(dispatchedCall.getAttribute(DispatcherServlet.WEB_APPLICATION_CONTEXT_ATTRIBUTE)).isNotNull();
		assertThat(missing.getContentAsString()).as("as Spring MVC's dispatch answers it")
				.isEqualTo(dispatched.getContentAsString());
		assertThat(missing.getContentType()).isEqualTo(dispatched.getContentType());
		assertThat(invalid.getStatus()).isEqualTo(400);
		assertThat(invalid.getContentAsString()).contains("\"violations\"").contains("key");
		assertThat(malformed.getStatus()).isEqualTo(400);
		assertThat(malformed.getContentType()).isEqualTo("application/problem+json");
	}

	private static MockHttpServletRequest call(String path, String body) {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", path);
		request.setContentType("application/json");
		request.setContent(body.getBytes(StandardCharsets.UTF_8));
		return request;
	}

	private HttpRequest.Builder authorized(String path) {
		return TestCallers.asUser(request(path))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"mapping\",\"value\":\"v\"}"));
	}

	private static int indexOf(List<HandlerMapping> mappings, Class<?> type) {
		return mappings.indexOf(mappings.stream().filter(type::isInstance).findFirst().orElseThrow());
	}
}
