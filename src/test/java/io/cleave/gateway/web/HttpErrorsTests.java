package io.cleave.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import io.cleave.testing.FreshDataDirectory;
import io.cleave.testing.TestCallers;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every error of the node, from Tomcat's own rejections to Spring MVC's, is an RFC 9457 problem with the right status
 * and a detail naming what was wrong — checked over a bare socket, byte for byte what a client gets.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
		"cleave.registry.etcd-api.port=0", "cleave.gateway.body-limits[0].path=/act",
		"cleave.gateway.body-limits[0].max-request-size=64B" })
class HttpErrorsTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** Every request goes as an operator, so it reaches the route whose error it is about. */
	private static final String OPERATOR = "Authorization: " + TestCallers.operatorAuthorization() + "\r\n";

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void freshDataDirectory(DynamicPropertyRegistry registry) {
		FreshDataDirectory.register(registry, "cleave-gateway-errors-");
	}

	@Test
	void anEncodedSlashInThePathIsAProblemNotTomcatsPage() throws IOException {
		JsonNode problem = assertProblem(get("/registry/services/a%2Fb"), 400);

		assertThat(problem.path("detail").asString()).contains("encoded '/'");
	}

	@Test
	void aMalformedRequestLineIsAProblem() throws IOException {
		assertProblem(RawHttp.exchange(port, "GET /act{} HTTP/1.1\r\nHost: localhost\r\n" + OPERATOR
				+ "Connection: close"), 400);
		assertProblem(RawHttp.exchange(port, "GE(T /act HTTP/1.1\r\nHost: localhost\r\n" + OPERATOR
				+ "Connection: close"), 400);
		assertProblem(RawHttp.exchange(port, "GET /act HTTP/1.1\r\nHost: localhost\r\n" + OPERATOR
				+ "Bad Header: x\r\nConnection: close"), 400);
	}

	@Test
	void anUnsupportedHttpVersionIs505() throws IOException {
		JsonNode problem = assertProblem(RawHttp.exchange(port, "GET /act HTTP/1.2\r\nHost: localhost\r\n" + OPERATOR
				+ "Connection: close"), 505);

		assertThat(problem.path("detail").asString()).contains("HTTP version");
	}

	@Test
	void oversizedHeadersAre431() throws IOException {
		JsonNode problem = assertProblem(RawHttp.exchange(port, "GET /registry/services HTTP/1.1\r\nHost: localhost\r\n" + OPERATOR
				+ "Connection: close\r\nX-Big: " + "a".repeat(20_000)), 431);

		assertThat(problem.path("detail").asString()).contains("headers are too large");
	}

	@Test
	void aRequestTargetOverTheHeaderBufferIs431Too() throws IOException {
		// Tomcat reads the request line into the same buffer as the headers, and fails it the same way.
		assertProblem(get("/registry/keys?prefix=" + "a".repeat(20_000)), 431);
	}

	@Test
	void malformedJsonIs400SayingWhere() throws IOException {
		JsonNode registry = assertProblem(send("PUT", "/registry/services/shop/instances/i1", "application/json",
				"{\"addresses\": {\"http\": \"http://x\"},\n \"ttlSeconds\": }"), 400);
		JsonNode act = assertProblem(send("POST", "/act", "application/json", "{\"Pattern\":\n]"), 400);

		assertThat(registry.path("detail").asString()).contains("line 2, column");
		assertThat(act.path("detail").asString()).contains("line 2, column 1");
	}

	@Test
	void aBodyOfTheWrongShapeIs400NamingTheFieldAndNoJavaType() throws IOException {
		RawHttp.Response response = send("PUT", "/registry/services/shop/instances/i1", "application/json",
				"{\"addresses\": [1, 2], \"ttlSeconds\": 5}");

		assertProblem(response, 400);
		assertThat(response.body()).doesNotContain("java.", "Map", "URI", "Exception");
	}

	@Test
	void failedValidationIs400NamingTheField() throws IOException {
		JsonNode problem = assertProblem(send("PUT", "/registry/services/shop/instances/i1", "application/json",
				"{\"addresses\": {\"http\": \"http://x\"}, \"ttlSeconds\": 0}"), 400);

		assertThat(problem.path("detail").asString()).contains("ttlSeconds");
	}

	@Test
	void undecodableQueryParametersAre400() throws IOException {
		JsonNode problem = assertProblem(get("/registry/keys?=%2F"), 400);

		assertThat(problem.path("detail").asString()).contains("query string");
		assertProblem(get("/messaging/dead-letters?limit=%C0"), 400);
	}

	@Test
	void aRepeatedParameterIsEchoedAsSentNotAsAJavaArray() throws IOException {
		JsonNode problem = assertProblem(get("/messaging/dead-letters?limit=x&limit=y"), 400);

		assertThat(problem.path("detail").asString()).isEqualTo("limit 'x,y' is not a valid int");
	}

	@Test
	void anUnknownRouteIs404OnEveryPrefix() throws IOException {
		for (String path : new String[] { "/nope", "/registry/nope", "/messaging/nope", "/actuator/nope", "/api", "/error" }) {
			JsonNode problem = assertProblem(get(path), 404);
			assertThat(problem.path("detail").asString()).as(path).isNotBlank();
		}
		assertThat(assertProblem(get("/nope"), 404).path("detail").asString()).isEqualTo("no route for GET /nope");
	}

	@Test
	void aWrongMethodIs405WithTheAllowedOnes() throws IOException {
		RawHttp.Response response = get("/act");

		assertProblem(response, 405);
		assertThat(response.headers().get("allow")).contains("POST");
		assertProblem(send("DELETE", "/registry/services", "application/json", ""), 405);
		assertProblem(send("PUT", "/messaging/dead-letters", "application/json", "{}"), 405);
	}

	@Test
	void aWrongMediaTypeIs415() throws IOException {
		JsonNode problem = assertProblem(send("PUT", "/registry/services/shop/instances/i1", "text/plain", "hello"), 415);

		assertThat(problem.path("detail").asString()).contains("text/plain");
	}

	@Test
	void anUnacceptableAcceptIs406() throws IOException {
		assertProblem(RawHttp.exchange(port, "GET /registry/services HTTP/1.1\r\nHost: localhost\r\n" + OPERATOR
				+ "Accept: image/png\r\n"
				+ "Connection: close"), 406);
		assertProblem(RawHttp.exchange(port, "POST /act HTTP/1.1\r\nHost: localhost\r\n" + OPERATOR
				+ "Accept: text/html\r\n"
				+ "Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close", "{}".getBytes()), 406);
	}

	@Test
	void aBrowserAskingForHtmlStillGetsAProblem() throws IOException {
		RawHttp.Response response = RawHttp.exchange(port, "GET /nope HTTP/1.1\r\nHost: localhost\r\n" + OPERATOR
				+ "Accept: text/html\r\nConnection: close");

		assertProblem(response, 404);
	}

	@Test
	void aDeclaredBodyOverTheLimitIs413BeforeItIsSent() throws IOException {
		// Only the head goes out: the answer comes without the server waiting for (or buffering) the 2 MiB.
		RawHttp.Response response = RawHttp.exchange(port, "POST /api/DB/Query HTTP/1.1\r\nHost: localhost\r\n" + OPERATOR
				+ "Content-Type: application/json\r\nContent-Length: " + 2 * 1024 * 1024 + "\r\nConnection: close");

		JsonNode problem = assertProblem(response, 413);
		assertThat(problem.path("detail").asString())
				.isEqualTo("the request body exceeds 1048576 bytes (cleave.gateway.max-request-size)");
	}

	@Test
	void aChunkedBodyIsCutOffAtTheLimit() throws IOException {
		byte[] chunk = ("{\"key\":\"" + "a".repeat(600 * 1024)).getBytes(StandardCharsets.US_ASCII);
		byte[] body = chunked(chunk, chunk);

		JsonNode problem = assertProblem(RawHttp.exchange(port, "POST /api/DB/Query HTTP/1.1\r\nHost: localhost\r\n" + OPERATOR
				+ "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close", body), 413);

		assertThat(problem.path("detail").asString()).contains("1048576 bytes");
	}

	@Test
	void aRouteCanHaveItsOwnLimit() throws IOException {
		String body = "{\"Pattern\":\"" + "x".repeat(100) + "\"}";

		JsonNode declared = assertProblem(send("POST", "/act", "application/json", body), 413);
		JsonNode chunked = assertProblem(RawHttp.exchange(port, "POST /act HTTP/1.1\r\nHost: localhost\r\n" + OPERATOR
				+ "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close",
				chunked(body.getBytes(StandardCharsets.US_ASCII))), 413);

		assertThat(declared.path("detail").asString())
				.isEqualTo("the request body exceeds 64 bytes (cleave.gateway.body-limits[/act])");
		assertThat(chunked.path("detail").asString()).isEqualTo(declared.path("detail").asString());
		// The same size elsewhere is under that route's limit (the default), declared or chunked; so is a body under
		// every limit on the limited route itself.
		String update = "{\"key\":\"own-limit\",\"value\":\"" + "x".repeat(100) + "\"}";
		assertThat(send("POST", "/api/DB/Update", "application/json", update).status()).isEqualTo(200);
		assertThat(RawHttp.exchange(port, "POST /api/DB/Update HTTP/1.1\r\nHost: localhost\r\n" + OPERATOR
				+ "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close",
				chunked(update.getBytes(StandardCharsets.US_ASCII))).status()).isEqualTo(200);
		assertThat(send("POST", "/act", "application/json", "{\"Pattern\":\"x\"}").status()).isNotEqualTo(413);
	}

	private RawHttp.Response get(String path) throws IOException {
		return RawHttp.exchange(port, "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" + OPERATOR
				+ "Connection: close");
	}

	private RawHttp.Response send(String method, String path, String contentType, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		return RawHttp.exchange(port, method + " " + path + " HTTP/1.1\r\nHost: localhost\r\n" + OPERATOR
				+ "Content-Type: " + contentType
				+ "\r\nContent-Length: " + bytes.length + "\r\nConnection: close", bytes);
	}

	private static byte[] chunked(byte[]... chunks) {
		StringBuilder out = new StringBuilder();
		for (byte[] chunk : chunks) {
			out.append(Integer.toHexString(chunk.length)).append("\r\n")
					.append(new String(chunk, StandardCharsets.ISO_8859_1)).append("\r\n");
		}
		return out.append("0\r\n\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
	}

	static JsonNode assertProblem(RawHttp.Response response, int status) {
		assertThat(response.status()).as(response.body()).isEqualTo(status);
		assertThat(response.contentType()).as(response.body()).startsWith("application/problem+json");
		JsonNode problem = JSON.readTree(response.body());
		assertThat(problem.path("status").asInt()).isEqualTo(status);
		assertThat(problem.path("title").asString()).isNotBlank();
		assertThat(response.body()).doesNotContain("\tat ", "Exception", "org.springframework", "org.apache");
		return problem;
	}
}
