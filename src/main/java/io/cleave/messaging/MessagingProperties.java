package io.cleave.messaging;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Messaging settings ({@code cleave.messaging.*}).
 *
 * @param actTimeout how long {@code act} waits for the reply before failing with DEADLINE_EXCEEDED
 * @param redelivery how a failed {@code send}/{@code publish} delivery is retried before it is dead-lettered
 */
@Validated
@ConfigurationProperties("cleave.messaging")
public record MessagingProperties(
		@DefaultValue("5s") @NotNull @DurationMin(millis = 1) Duration actTimeout,
		@DefaultValue @Valid Redelivery redelivery) {

	/**
	 * Exponential backoff between delivery attempts.
	 *
	 * @param maxAttempts attempts before the message is dead-lettered, the first included
	 * @param initialBackoff wait before the second attempt
	 * @param maxBackoff upper bound of the doubling wait
	 */
	public record Redelivery(
			@DefaultValue("5") @Min(1) int maxAttempts,
			@DefaultValue("1s") @NotNull @DurationMin(millis = 1) Duration initialBackoff,
			@DefaultValue("1m") @NotNull @DurationMin(millis = 1) Duration maxBackoff) {

		public Redelivery {
			if (initialBackoff != null && maxBackoff != null && maxBackoff.compareTo(initialBackoff) < 0) {
				throw new IllegalArgumentException("max-backoff (%s) must not be shorter than initial-backoff (%s)"
						.formatted(maxBackoff, initialBackoff));
			}
		}
	}
}
