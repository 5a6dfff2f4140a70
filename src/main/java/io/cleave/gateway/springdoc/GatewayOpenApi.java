package io.cleave.gateway.springdoc;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.cleave.rpc.RpcMethods;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.tags.Tag;
import org.springdoc.core.customizers.OpenApiCustomizer;

/**
 * Completes springdoc's document of the node's controllers: the generic {@code POST /api/{service}/{method}} becomes
 * one operation per declared RPC method, with request and response schemas derived from its records; {@code /act}
 * gets its message shape; every operation documents its errors as {@code application/problem+json}.
 */
final class GatewayOpenApi implements OpenApiCustomizer {

	static final String RPC_ROUTE = "/api/{service}/{method}";

	static final String PROBLEM_JSON = org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE;

	static final String JSON = org.springframework.http.MediaType.APPLICATION_JSON_VALUE;

	static final String PROBLEM = "Problem";

	static final String ACT_TAG = "Pattern messages";

	private final RpcMethods rpc;

	private final String version;

	GatewayOpenApi(RpcMethods rpc, String version) {
		this.rpc = rpc;
		this.version = version;
	}

	@Override
	public void customise(OpenAPI openApi) {
		if (openApi.getComponents() == null) {
			openApi.setComponents(new Components());
		}
		if (openApi.getPaths() == null) {
			openApi.setPaths(new Paths());
		}
		if (openApi.getInfo() == null || "OpenAPI definition".equals(openApi.getInfo().getTitle())) {
			openApi.setInfo(new Info().title("Cleave node HTTP API").version(version)
					.description("RPC methods (POST /api/{service}/{method}), pattern messages (POST /act) and the"
							+ " modules' REST resources of one Cleave node. Errors are RFC 9457 problem details."));
		}
		openApi.getComponents().addSchemas(PROBLEM, problemSchema());
		Paths paths = openApi.getPaths();
		paths.remove(RPC_ROUTE);
		paths.remove("/error"); // the error page is where failures are rendered, not a route
		Map<String, PathItem> rpcPaths = new TreeMap<>();
		for (RpcMethods.Signature method : rpc.all()) {
			rpcPaths.put("/api/" + method.service() + "/" + method.method(),
					new PathItem().post(rpcOperation(method, openApi.getComponents())));
			if (openApi.getTags() == null || openApi.getTags().stream().noneMatch(tag -> tag.getName()
					.equals(tagOf(method)))) {
				openApi.addTagsItem(new Tag().name(tagOf(method)).description("RPC service " + method.service()
						+ ", called over HTTP as POST /api/" + method.service() + "/{method}"));
			}
		}
		rpcPaths.forEach(paths::addPathItem);
		PathItem act = paths.get("/act");
		if (act != null && act.getPost() != null) {
			describeAct(act.getPost());
			openApi.addTagsItem(new Tag().name(ACT_TAG).description("go-nano style messages routed by their"
					+ " properties to the most specific handler pattern"));
		}
		paths.values().forEach(item -> item.readOperations().forEach(GatewayOpenApi::documentErrors));
	}

	private static String tagOf(RpcMethods.Signature method) {
		return "RPC " + method.service();
	}

	private static Operation rpcOperation(RpcMethods.Signature method, Components components) {
		Operation operation = new Operation()
				.operationId("rpc_" + method.service() + "_" + method.method())
				.addTagsItem(tagOf(method))
				.summary("RPC " + method.service() + "/" + method.method())
				.description("Calls " + method.service() + "/" + method.method() + " with the request record as JSON"
						+ " (no body counts as {}); answers the response record as JSON."
						+ (method.idempotent() ? " Idempotent: safe to retry." : "")
						+ (method.errors().isEmpty() ? "" : " Business errors: " + String.join(", ",
								method.errors().stream().map(Class::getSimpleName).toList()) + "."))
				.requestBody(new RequestBody()
						.required(false)
						.content(new Content().addMediaType(JSON, new MediaType()
								.schema(schemaOf(method.requestType(), components)))));
		operation.setResponses(new ApiResponses()
				.addApiResponse("200", new ApiResponse()
						.description("The method's response record")
						.content(new Content().addMediaType(JSON, new MediaType()
								.schema(schemaOf(method.responseType(), components)))))
				.addApiResponse("400", problem("The request is malformed or invalid (INVALID_ARGUMENT); "
						+ "violations names the fields"))
				.addApiResponse("413", problem("The request body exceeds the route's limit"))
				.addApiResponse("504", problem("The call's deadline passed (DEADLINE_EXCEEDED)")));
		return operation;
	}

	/** A reference to {@code type}'s schema, which is added to the components with the schemas it refers to. */
	@SuppressWarnings("rawtypes")
	private static Schema<?> schemaOf(Class<?> type, Components components) {
		Map<String, Schema> schemas = ModelConverters.getInstance(true).readAll(type);
		schemas.forEach((name, schema) -> {
			if (components.getSchemas() == null || !components.getSchemas().containsKey(name)) {
				components.addSchemas(name, schema);
			}
		});
		String name = ModelConverters.getInstance(true).read(type).keySet().stream().findFirst()
				.orElse(type.getSimpleName());
		return new Schema<>().$ref("#/components/schemas/" + name);
	}

	private static void describeAct(Operation act) {
		Schema<?> message = object()
				.description("A pattern message: a JSON object routed by its properties to the most specific handler"
						+ " pattern; a go-nano \"Pattern\":\"role:math,cmd:sum\" string counts as properties too")
				.additionalProperties(true);
		message.setExample(Map.of("role", "math", "cmd", "sum", "left", 1, "right", 2));
		act.tags(List.of(ACT_TAG))
				.summary("Pattern message, request/reply")
				.description("Routes the message to the most specific matching handler and answers its reply within"
						+ " the gateway's request timeout.")
				.requestBody(new RequestBody().required(true)
						.content(new Content().addMediaType(JSON, new MediaType().schema(message))));
		act.setResponses(new ApiResponses()
				.addApiResponse("200", new ApiResponse().description("The handler's reply ({} when it has none)")
						.content(new Content().addMediaType(JSON, new MediaType()
								.schema(object().additionalProperties(true)))))
				.addApiResponse("400", problem("The body is no JSON object"))
				.addApiResponse("404", problem("No handler pattern matches the message"))
				.addApiResponse("504", problem("No reply within the request timeout")));
	}

	/** Every operation answers its errors as problem details: 4XX and 5XX ranges, beside any specific status. */
	private static void documentErrors(Operation operation) {
		ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
		responses.values().forEach(response -> {
			// springdoc documents exception handlers' answers as */*; they are problem details
			if (response.getContent() != null && response.getContent().containsKey("*/*")) {
				MediaType any = response.getContent().get("*/*");
				if (any.getSchema() != null && any.getSchema().get$ref() != null
						&& any.getSchema().get$ref().endsWith("/ProblemDetail")) {
					response.setContent(new Content().addMediaType(PROBLEM_JSON, problemMedia()));
				}
			}
		});
		responses.putIfAbsent("4XX", problem("A client error, as an RFC 9457 problem"));
		responses.putIfAbsent("5XX", problem("A server error, as an RFC 9457 problem (never a stack trace)"));
		operation.setResponses(responses);
	}

	private static ApiResponse problem(String description) {
		return new ApiResponse().description(description)
				.content(new Content().addMediaType(PROBLEM_JSON, problemMedia()));
	}

	private static MediaType problemMedia() {
		return new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM));
	}

	private static Schema<?> problemSchema() {
		Schema<?> violation = object()
				.addProperty("field", string().description("The field at fault, as a path (items[0].sku)"))
				.addProperty("description", string().description("What is wrong with it"));
		return object()
				.description("RFC 9457 problem details")
				.addProperty("type", string().format("uri-reference").description("The problem type; about:blank"))
				.addProperty("title", string().description("The HTTP status's reason phrase"))
				.addProperty("status", typed("integer").format("int32").description("The HTTP status"))
				.addProperty("detail", string().description("What went wrong, for the caller"))
				.addProperty("instance", string().format("uri-reference").description("The request's path"))
				.addProperty("code", string().description("The RPC status (INVALID_ARGUMENT, NOT_FOUND, ...)"))
				.addProperty("violations", typed("array").items(violation)
						.description("The fields that failed validation"))
				.required(List.of("type", "title", "status"));
	}

	private static Schema<?> object() {
		return typed("object");
	}

	private static Schema<?> string() {
		return typed("string");
	}

	/** A schema of one JSON type, spelled for OpenAPI 3.1 ({@code types}) and 3.0 ({@code type}) alike. */
	private static Schema<Object> typed(String type) {
		Schema<Object> schema = new Schema<>();
		schema.setType(type);
		schema.setTypes(Set.of(type));
		return schema;
	}
}
