package io.cleave.math;

import java.math.BigDecimal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * Asks whether a number is positive, in go-nano's form: {@code {"Pattern":"role:math,cmd:positive","Value":1}}.
 *
 * @param pattern the routing pattern, {@link MathPatterns#POSITIVE}; null when the message was routed by its
 *     {@code role} and {@code cmd} properties instead
 * @param value the number; required
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PositiveRequest(@JsonProperty("Pattern") @Nullable String pattern,
		@JsonProperty("Value") @Nullable BigDecimal value) {

	/** The request for {@code value}, with its pattern. */
	public static PositiveRequest of(BigDecimal value) {
		return new PositiveRequest(MathPatterns.POSITIVE, value);
	}
}
