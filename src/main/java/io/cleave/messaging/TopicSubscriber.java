package io.cleave.messaging;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method as a subscriber of a topic: every message {@linkplain MessageBus#publish published} to the
 * topic reaches it once, through its own durable queue. Parameter and return value as for {@link PatternHandler}
 * (the return value is ignored).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface TopicSubscriber {

	/** The topic, e.g. {@code "orders"}. */
	String topic();

	/** The subscriber's queue name, unique per subscriber (e.g. {@code "billing"}); shared by competing consumers. */
	String queue();
}
