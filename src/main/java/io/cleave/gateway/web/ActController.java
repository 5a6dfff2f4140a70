package io.cleave.gateway.web;

import java.security.Principal;
import java.util.Map;

import io.cleave.gateway.GatewayProperties;
import io.cleave.messaging.MessageBus;
import io.cleave.messaging.MessagingException;
import io.cleave.rpc.CallContext;
import io.cleave.rpc.Deadline;
import io.cleave.status.Status;

import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /act}: go-nano's HTTP entry — a JSON object routed by its properties (a {@code "Pattern"} string
 * included) to the most specific handler, answered with the handler's reply within the gateway's request timeout.
 */
@RestController
class ActController {

	private final MessageBus bus;

	private final JsonMapper mapper;

	private final GatewayProperties properties;

	ActController(MessageBus bus, JsonMapper mapper, GatewayProperties properties) {
		this.bus = bus;
		this.mapper = mapper;
		this.properties = properties;
	}

	@PostMapping(path = "/act", produces = MediaType.APPLICATION_JSON_VALUE)
	JsonNode act(@RequestBody(required = false) byte @Nullable [] body, @Nullable Principal principal) {
		if (body == null || body.length == 0) {
			throw new MessagingException(Status.INVALID_ARGUMENT, "The request body must be a JSON object; it is empty");
		}
		JsonNode message;
		try {
			message = mapper.readTree(body);
		}
		catch (JacksonException ex) {
			// A parser's message names the offending token, never a Java type (no binding happens here).
			throw new MessagingException(Status.INVALID_ARGUMENT, "Malformed JSON" + NodeProblems.at(ex.getLocation())
					+ ": " + ex.getOriginalMessage());
		}
		// The handler runs on this thread: RPC calls it makes carry the authenticated caller on.
		CallContext context = new CallContext(Deadline.after(properties.requestTimeout()),
				principal == null ? CallContext.ANONYMOUS : principal.getName(), Map.of());
		return context.run(() -> bus.act(message, properties.requestTimeout()));
	}
}
