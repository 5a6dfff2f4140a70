package io.cleave.math;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Whether the value was positive: {@code {"Result":true}}.
 *
 * @param result true when the value is greater than zero
 */
public record PositiveAnswer(@JsonProperty("Result") boolean result) {
}
