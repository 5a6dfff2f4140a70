package io.cleave.rpc;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * RPC settings ({@code cleave.rpc.*}).
 *
 * @param defaultDeadline deadline given to a call that arrives without one; the remaining time propagates to
 *     every further hop
 * @param maxAttempts attempts for methods declared idempotent, the first included; other methods are tried once
 * @param maxConcurrentCalls calls one hosted service serves at once; one more is refused with RESOURCE_EXHAUSTED
 *     (HTTP 429) instead of queueing
 */
@Validated
@ConfigurationProperties("cleave.rpc")
public record RpcProperties(
		@DefaultValue("5s") @NotNull @DurationMin(millis = 1) Duration defaultDeadline,
		@DefaultValue("3") @Min(1) int maxAttempts,
		@DefaultValue("1000") @Min(1) int maxConcurrentCalls) {
}
