package io.cleave.gateway;

import java.time.Duration;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Gateway settings ({@code cleave.gateway.*}): the defaults every route starts from.
 *
 * @param maxRequestSize largest request body accepted; larger ones get 413 before they are read
 * @param requestTimeout deadline of a request's downstream call; exceeding it gets 504
 * @param bodyLimits per-route overrides of {@code maxRequestSize}, the first whose path pattern matches wins
 */
@Validated
@ConfigurationProperties("cleave.gateway")
public record GatewayProperties(
		@DefaultValue("1MB") @NotNull DataSize maxRequestSize,
		@DefaultValue("10s") @NotNull @DurationMin(millis = 1) Duration requestTimeout,
		@DefaultValue @NotNull List<@Valid BodyLimit> bodyLimits) {

	/**
	 * The body limit of the routes matching {@code path}.
	 *
	 * @param path a Spring path pattern ({@code /api/Files/**})
	 * @param maxRequestSize largest request body accepted on those routes
	 */
	public record BodyLimit(@NotBlank String path, @NotNull DataSize maxRequestSize) {
	}
}
