package io.cleave.gateway;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Gateway settings ({@code cleave.gateway.*}): the defaults every route starts from.
 *
 * @param maxRequestSize largest request body accepted; larger ones get 413
 * @param requestTimeout deadline of a request's downstream call; exceeding it gets 504
 */
@Validated
@ConfigurationProperties("cleave.gateway")
public record GatewayProperties(
		@DefaultValue("1MB") @NotNull DataSize maxRequestSize,
		@DefaultValue("10s") @NotNull @DurationMin(millis = 1) Duration requestTimeout) {
}
