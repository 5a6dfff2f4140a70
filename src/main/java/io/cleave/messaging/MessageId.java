package io.cleave.messaging;

import java.util.Objects;
import java.util.UUID;

/** The id of a sent or published message: a handler sees each id once. */
public record MessageId(UUID value) {

	public MessageId {
		Objects.requireNonNull(value, "value");
	}

	public static MessageId random() {
		return new MessageId(UUID.randomUUID());
	}

	/** @throws IllegalArgumentException when {@code text} is not a UUID */
	public static MessageId parse(String text) {
		return new MessageId(UUID.fromString(text));
	}

	@Override
	public String toString() {
		return value.toString();
	}
}
