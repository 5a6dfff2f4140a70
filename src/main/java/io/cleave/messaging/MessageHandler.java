package io.cleave.messaging;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.node.ObjectNode;

/**
 * A handler registered programmatically: it gets the message as a JSON object and may answer anything Jackson turns
 * into JSON (a record, a map, a {@code JsonNode}), or {@code null} for {@code {}}.
 * <p>
 * A {@link io.cleave.status.StatusException} it throws reaches an {@code act} caller as it is; anything else arrives
 * as INTERNAL. For {@code send} and {@code publish}, a failure is retried with backoff, then dead-lettered.
 */
@FunctionalInterface
public interface MessageHandler {

	@Nullable Object handle(ObjectNode message) throws Exception;
}
