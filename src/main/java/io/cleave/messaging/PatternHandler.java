package io.cleave.messaging;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method as the handler of {@code act} and {@code send} messages matching a pattern (go-nano form,
 * {@code "role:math,cmd:sum"}, pairs in any order).
 * <p>
 * The method takes one parameter — an {@code ObjectNode}/{@code JsonNode}, or any type Jackson reads the message
 * into, such as a record (properties it does not know are ignored) — or none, and returns the reply: anything
 * Jackson writes, or {@code void} for {@code {}}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface PatternHandler {

	/** The pattern, e.g. {@code "role:math,cmd:sum"}. */
	String value();
}
