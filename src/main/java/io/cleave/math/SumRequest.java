package io.cleave.math;

import java.math.BigDecimal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * Asks for the sum of two numbers: {@code {"Pattern":"role:math,cmd:sum","Left":1.5,"Right":2}}.
 *
 * @param pattern {@link MathPatterns#SUM} or {@link MathPatterns#INTEGER_SUM}; null when the message was routed by
 *     its properties instead
 * @param left the first operand; required
 * @param right the second operand; required
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SumRequest(@JsonProperty("Pattern") @Nullable String pattern,
		@JsonProperty("Left") @Nullable BigDecimal left, @JsonProperty("Right") @Nullable BigDecimal right) {

	/** The exact sum of {@code left} and {@code right}. */
	public static SumRequest of(BigDecimal left, BigDecimal right) {
		return new SumRequest(MathPatterns.SUM, left, right);
	}

	/** The sum of {@code left} and {@code right} rounded down to integers. */
	public static SumRequest ofIntegers(BigDecimal left, BigDecimal right) {
		return new SumRequest(MathPatterns.INTEGER_SUM, left, right);
	}
}
