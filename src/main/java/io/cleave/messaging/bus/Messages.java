package io.cleave.messaging.bus;

import java.util.HashMap;
import java.util.Map;

import io.cleave.messaging.MessagingException;
import io.cleave.messaging.Pattern;
import io.cleave.status.Status;

import org.jspecify.annotations.Nullable;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Messages as JSON: what a caller passes in, what routing reads, what a handler gets and answers. */
public final class Messages {

	/** go-nano's routing property: {@code "Pattern":"role:math,cmd:sum"} stands for those two properties. */
	static final String PATTERN_PROPERTY = "Pattern";

	private final JsonMapper mapper;

	public Messages(JsonMapper mapper) {
		// A handler's record names the properties it needs; the routing properties it does not name are no error.
		this.mapper = mapper.rebuild().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
	}

	public JsonMapper mapper() {
		return mapper;
	}

	/** {@code message} as a JSON object. @throws MessagingException INVALID_ARGUMENT if it is none */
	public ObjectNode toObject(Object message) {
		JsonNode node;
		try {
			node = message instanceof JsonNode json ? json : mapper.valueToTree(message);
		}
		catch (JacksonException ex) {
			throw new MessagingException(Status.INVALID_ARGUMENT,
					"A message must be a JSON object; " + message.getClass().getName() + " is not one: "
							+ ex.getOriginalMessage());
		}
		if (!(node instanceof ObjectNode object)) {
			throw new MessagingException(Status.INVALID_ARGUMENT,
					"A message must be a JSON object, not " + node.getNodeType().name().toLowerCase() + " " + node);
		}
		return object;
	}

	/**
	 * The properties a message is routed by: its scalar top-level properties as strings, with the pairs of a
	 * go-nano {@code Pattern} property in place of that property.
	 *
	 * @throws MessagingException INVALID_ARGUMENT when the {@code Pattern} property is malformed
	 */
	public static Map<String, String> subject(ObjectNode message) {
		Map<String, String> subject = new HashMap<>();
		for (Map.Entry<String, JsonNode> property : message.properties()) {
			JsonNode value = property.getValue();
			if (value.isValueNode() && !value.isNull()) {
				subject.put(property.getKey(), value.asString());
			}
		}
		JsonNode pattern = message.get(PATTERN_PROPERTY);
		if (pattern != null && pattern.isString()) {
			subject.remove(PATTERN_PROPERTY);
			try {
				subject.putAll(Pattern.parse(pattern.asString()).properties());
			}
			catch (IllegalArgumentException ex) {
				throw new MessagingException(Status.INVALID_ARGUMENT, ex.getMessage());
			}
		}
		return subject;
	}

	/** A handler's answer as JSON: {@code {}} for nothing. */
	JsonNode toReply(@Nullable Object reply) {
		if (reply == null) {
			return mapper.createObjectNode();
		}
		return reply instanceof JsonNode json ? json : mapper.valueToTree(reply);
	}

	<T> T convert(JsonNode node, Class<T> type) {
		try {
			return mapper.treeToValue(node, type);
		}
		catch (JacksonException ex) {
			throw new MessagingException(Status.INVALID_ARGUMENT,
					"The message does not fit " + type.getSimpleName() + ": " + ex.getOriginalMessage(), ex);
		}
	}

	public String write(JsonNode node) {
		return mapper.writeValueAsString(node);
	}

	public ObjectNode read(String json) {
		return (ObjectNode) mapper.readTree(json);
	}
}
