package io.cleave.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;

import io.cleave.CleaveApplication;
import io.cleave.testing.FreshDataDirectory;
import io.cleave.testing.TestCallers;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Malformed bodies, paths, query strings and headers sent over a bare socket to every route family of one running
 * node: whatever arrives, the answer is never a 5xx, and every error is an RFC 9457 problem without internals.
 * <p>
 * Left out on purpose: {@code Transfer-Encoding} codings Tomcat does not implement (501 is the answer HTTP prescribes)
 * and {@code Content-Length} values larger than the body sent (the server rightly waits for the rest).
 */
class MalformedRequestProperties {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** Every route family of the node, as method and path. */
	private static final List<Route> ROUTES = List.of(
			new Route("POST", "/act"),
			new Route("POST", "/api/DB/Query"),
			new Route("POST", "/api/Nope/Nothing"),
			new Route("GET", "/registry/services"),
			new Route("GET", "/registry/services/shop"),
			new Route("PUT", "/registry/services/shop/instances/i1"),
			new Route("DELETE", "/registry/services/shop/instances/i1"),
			new Route("POST", "/registry/leases/12/keep-alive"),
			new Route("GET", "/registry/keys"),
			new Route("GET", "/messaging/dead-letters"),
			new Route("GET", "/messaging/dead-letters/1"),
			new Route("POST", "/messaging/dead-letters/1/resubmit"),
			new Route("GET", "/messaging/queues"),
			new Route("GET", "/actuator/info"),
			new Route("GET", "/actuator/nope"),
			new Route("GET", "/nowhere"),
			new Route("POST", "/error"));

	private static @Nullable ConfigurableApplicationContext node;

	private static int port;

	@BeforeContainer
	static void startNode() {
		Path dataDir = FreshDataDirectory.create("cleave-gateway-fuzz-");
		node = new SpringApplicationBuilder(CleaveApplication.class).run("--server.port=0",
				"--cleave.registry.etcd-api.port=0", "--cleave.data-dir=" + dataDir,
				"--cleave.gateway.max-request-size=4KB", "--logging.level.root=warn");
		port = ((WebServerApplicationContext) node).getWebServer().getPort();
	}

	@AfterContainer
	static void stopNode() {
		if (node != null) {
			node.close();
		}
	}

	@Property(tries = 150)
	void anyBodyOnAnyRouteIsAnsweredWithoutA5xx(@ForAll("routes") Route route, @ForAll("bodies") byte[] body,
			@ForAll("contentTypes") String contentType, @ForAll("callers") String caller) throws IOException {
		assertWellFormed(RawHttp.exchange(port, route.method() + " " + route.path() + " HTTP/1.1\r\nHost: localhost\r\n"
				+ caller + "Content-Type: " + contentType + "\r\nContent-Length: " + body.length + "\r\nConnection: close", body));
	}

	@Property(tries = 150)
	void anyPathIsAnsweredWithoutA5xx(@ForAll("routes") Route route, @ForAll("pathSegments") String segment,
			@ForAll("pathSegments") String other, @ForAll("callers") String caller) throws IOException {
		String path = route.path().replaceFirst("/[^/]*$", Matcher.quoteReplacement("/" + segment)) + (other.isEmpty() ? "" : "/" + other);
		assertWellFormed(request(route.method(), path, caller));
	}

	@Property(tries = 150)
	void anyQueryStringIsAnsweredWithoutA5xx(@ForAll("routes") Route route, @ForAll("queryStrings") String query,
			@ForAll("callers") String caller) throws IOException {
		assertWellFormed(request(route.method(), route.path() + "?" + query, caller));
	}

	@Property(tries = 150)
	void anyHeadersAreAnsweredWithoutA5xx(@ForAll("routes") Route route, @ForAll("headers") List<String> headers,
			@ForAll("callers") String caller) throws IOException {
		assertWellFormed(request(route.method(), route.path(), caller + String.join("\r\n", headers)));
	}

	/**
	 * Mostly an operator, who reaches every route and its parsers; sometimes a user (403 on operator routes) or no one
	 * (401): as header lines ending in CRLF, or nothing.
	 */
	@Provide
	Arbitrary<String> callers() {
		return Arbitraries.frequencyOf(
				Tuple.of(8, Arbitraries.just("Authorization: " + TestCallers.operatorAuthorization() + "\r\n")),
				Tuple.of(1, Arbitraries.just("Authorization: " + TestCallers.userAuthorization() + "\r\n")),
				Tuple.of(1, Arbitraries.just("")));
	}

	@Provide
	Arbitrary<Route> routes() {
		return Arbitraries.of(ROUTES);
	}

	@Provide
	Arbitrary<byte[]> bodies() {
		Arbitrary<String> jsonish = Arbitraries.strings()
				.withChars("{}[]\":,.-+eE0123456789 \\/\nabtrufnlsPattern")
				.ofMaxLength(60);
		Arbitrary<String> shapes = Arbitraries.of("{", "}", "[]", "null", "\"x\"", "{\"Pattern\":{}}",
				"{\"key\":[1,2]}", "{\"key\":1e999999}", "{\"addresses\":[],\"ttlSeconds\":\"x\"}",
				"{\"addresses\":{\"http\":\"::not a uri\"},\"ttlSeconds\":-4}", "{\"a\":" + "[".repeat(3000),
				"{\"key\":\"" + "x".repeat(5000) + "\"}", "\uFEFF{}", "{\"key\":\"\\uD800\"}");
		Arbitrary<byte[]> text = Arbitraries.oneOf(jsonish, shapes, Arbitraries.strings().ofMaxLength(80))
				.map(s -> s.getBytes(StandardCharsets.UTF_8));
		Arbitrary<byte[]> binary = Arbitraries.bytes().array(byte[].class).ofMaxSize(80);
		return Arbitraries.oneOf(text, binary);
	}

	@Provide
	Arbitrary<String> contentTypes() {
		// Mostly JSON, so that most bodies reach the parsers behind the routes.
		return Arbitraries.frequencyOf(
				Tuple.of(6, Arbitraries.just("application/json")),
				Tuple.of(3, Arbitraries.of("application/json; charset=utf-16", "application/json; charset=nope",
						"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
						"application/xml", "*/*", "application/", ";;", "")),
				Tuple.of(1, Arbitraries.strings().withCharRange('!', '~').ofMaxLength(30)));
	}

	@Provide
	Arbitrary<String> pathSegments() {
		Arbitrary<String> tokens = Arbitraries.frequencyOf(
				Tuple.of(3, Arbitraries.of("%2F", "%2f", "%5C", "%00", "%ZZ", "%", "%C0%AF", "%E2%82", "%25", "..", ".", ";",
						";jsessionid=1", "//", "\\", "%2e%2e", "~", "{x}", "<>", "|", "^", "`", "'", "\"", "@", "[]", "#",
						"*", "$", "%20", "%0D%0A")),
				Tuple.of(6, Arbitraries.strings().alpha().numeric().ofMaxLength(8)),
				// Raw bytes outside ASCII and controls (space, CR and LF frame the request line, so they stay out).
				Tuple.of(1, Arbitraries.chars().range('\u0000', '\u00ff')
						.filter(c -> c != ' ' && c != '\r' && c != '\n').map(String::valueOf)));
		return tokens.list().ofMaxSize(6).map(parts -> String.join("", parts));
	}

	@Provide
	Arbitrary<String> queryStrings() {
		Arbitrary<String> pairs = Combinators.combine(pathSegments(), pathSegments())
				.as((name, value) -> name + "=" + value);
		Arbitrary<String> named = Combinators.combine(Arbitraries.of("prefix", "limit", "after", "x"),
				Arbitraries.of("", "-1", "0", "1001", "abc", "99999999999999999999", "%00", "1e3", "%2F"))
				.as((name, value) -> name + "=" + value);
		return Arbitraries.oneOf(pairs, named, pathSegments()).list().ofMaxSize(5)
				.map(parts -> String.join("&", parts));
	}

	@Provide
	Arbitrary<List<String>> headers() {
		Arbitrary<String> name = Arbitraries.oneOf(
				Arbitraries.of("Accept", "Content-Type", "Accept-Charset", "Accept-Encoding", "Expect", "Range",
						"If-Match", "Origin", "Authorization", "Cookie", "X-Forwarded-For", "Forwarded", "traceparent",
						"Upgrade", "Connection"),
				Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(12));
		Arbitrary<String> value = Arbitraries.oneOf(
				Arbitraries.of("text/html", "image/png", "application/xml", "*/*;q=x", "application/problem+json",
						"garbage", "", "100-continue", "bytes=9-1", "\"", "h2c", "close", "keep-alive, upgrade"),
				Arbitraries.chars().range('\u0000', '\u00ff').filter(c -> c != '\r' && c != '\n')
						.list().ofMaxSize(40).map(chars -> chars.stream().map(String::valueOf)
								.reduce("", String::concat)));
		Arbitrary<String> header = Combinators.combine(name, value).as((n, v) -> n + ": " + v);
		Arbitrary<String> contentLength = Arbitraries.of("abc", "-1", "1.5", "", "0x10", "0, 1", "+0",
				"99999999999999999999").map(v -> "Content-Length: " + v);
		return Arbitraries.oneOf(header, header, header, contentLength).list().ofMaxSize(6);
	}

	private RawHttp.Response request(String method, String target, String headers) throws IOException {
		return RawHttp.exchange(port, method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n"
				+ (headers.isEmpty() || headers.endsWith("\r\n") ? headers : headers + "\r\n") + "Connection: close");
	}

	private static void assertWellFormed(RawHttp.Response response) {
		Statistics.collect(response.status());
		assertThat(response.status()).as(response.body()).isBetween(200, 499);
		assertThat(response.body()).doesNotContain("\tat ", "Exception", "org.springframework", "org.apache",
				"tools.jackson", "java.");
		if (response.status() >= 400) {
			assertThat(response.contentType()).as(response.body()).startsWith("application/problem+json");
			JsonNode problem = JSON.readTree(response.body());
			assertThat(problem.path("status").asInt()).isEqualTo(response.status());
			assertThat(problem.path("title").asString()).isNotBlank();
		}
	}

	/** A route: method and path. */
	record Route(String method, String path) {
	}
}
