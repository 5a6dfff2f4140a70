package io.cleave.gateway.springdoc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import io.cleave.testing.OneNodeOverHttp;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The node's OpenAPI 3.1 document and Swagger UI. */
class OpenApiTests extends OneNodeOverHttp {

	private final JsonMapper json = JsonMapper.builder().build();

	@Test
	void isOpenApi31() throws Exception {
		assertThat(document().path("openapi").asString()).startsWith("3.1.");
	}

	@Test
	void documentsEachRpcMethodWithSchemasOfItsRecords() throws Exception {
		JsonNode document = document();
		JsonNode query = document.path("paths").path("/api/DB/Query").path("post");

		JsonNode request = resolve(document, query.path("requestBody").path("content").path("application/json")
				.path("schema"));
		JsonNode response = resolve(document, query.path("responses").path("200").path("content")
				.path("application/json").path("schema"));
		assertThat(request.path("properties").has("key")).as("request properties %s", request).isTrue();
		assertThat(response.path("properties").has("value")).as("response properties %s", response).isTrue();
		assertThat(query.path("operationId").asString()).isEqualTo("rpc_DB_Query");
		assertThat(document.path("paths").has("/api/DB/Update")).isTrue();
		assertThat(document.path("paths").has("/api/{service}/{method}")).as("the generic route").isFalse();
	}

	@Test
	void documentsAct() throws Exception {
		JsonNode act = document().path("paths").path("/act").path("post");

		assertThat(act.path("requestBody").path("content").path("application/json").path("schema").path("type")
				.asString()).isEqualTo("object");
		assertThat(act.path("responses").has("200")).isTrue();
	}

	@Test
	void documentsErrorsAsProblemJsonOnEveryOperation() throws Exception {
		JsonNode document = document();
		assertThat(document.path("components").path("schemas").path("Problem").path("properties").has("status"))
				.isTrue();
		document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(operation -> {
			JsonNode responses = operation.getValue().path("responses");
			for (String range : new String[] { "4XX", "5XX" }) {
				assertThat(responses.path(range).path("content").path("application/problem+json").path("schema")
						.path("$ref").asString())
						.as("%s %s %s", operation.getKey(), path.getKey(), range)
						.isEqualTo("#/components/schemas/Problem");
			}
		}));
		assertThat(document.path("paths").path("/api/DB/Query").path("post").path("responses").path("400")
				.path("content").has("application/problem+json")).isTrue();
	}

	@Test
	void documentsTheModulesRestResources() throws Exception {
		JsonNode paths = document().path("paths");

		assertThat(paths.has("/registry/keys")).isTrue();
		assertThat(paths.has("/messaging/queues")).isTrue();
		assertThat(paths.has("/error")).as("the error page").isFalse();
	}

	@Test
	void servesSwaggerUi() throws Exception {
		HttpResponse<String> page = send(io.cleave.testing.TestCallers.asOperator(request("/swagger-ui.html")).GET());

		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type)
				.startsWith("text/html"));
		assertThat(page.body()).contains("swagger-ui");
	}

	private JsonNode document() throws Exception {
		HttpResponse<String> response = getAsOperator("/v3/api-docs");
		assertThat(response.statusCode()).isEqualTo(200);
		return json.readTree(response.body());
	}

	/** The schema {@code schema} refers to ({@code $ref: #/components/schemas/X}), or itself. */
	private static JsonNode resolve(JsonNode document, JsonNode schema) {
		String ref = schema.path("$ref").asString("");
		return ref.isEmpty() ? schema
				: document.path("components").path("schemas").path(ref.substring(ref.lastIndexOf('/') + 1));
	}
}
