package io.cleave.math;

import java.math.BigDecimal;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The sum: {@code {"Result":3.5}}.
 *
 * @param result the sum
 */
public record SumAnswer(@JsonProperty("Result") BigDecimal result) {
}
