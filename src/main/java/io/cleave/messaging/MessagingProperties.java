package io.cleave.messaging;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Messaging settings ({@code cleave.messaging.*}).
 *
 * @param actTimeout how long {@code act} waits for the reply before failing with DEADLINE_EXCEEDED
 * @param redelivery how a failed {@code send}/{@code publish} delivery is retried before it is dead-lettered
 * @param queue how this node consumes its durable queues
 * @param processed how long the ids of processed messages are remembered
 */
@ConfigurationProperties("cleave.messaging")
public record MessagingProperties(
		@DefaultValue("5s") @NotNull @DurationMin(millis = 1) Duration actTimeout,
		@DefaultValue @Valid Redelivery redelivery,
		@DefaultValue @Valid Queue queue,
		@DefaultValue @Valid Processed processed) {

	/**
	 * The ids of processed messages, by which a redelivered or re-sent copy is recognised and skipped.
	 *
	 * @param retention how long an id is remembered after its message was handled: a copy arriving later is handled
	 *     again. Longer than any sender retries a send, or a dead letter waits before it is resubmitted
	 * @param purgeInterval how often ids older than the retention are deleted
	 */
	public record Processed(
			@DefaultValue("7d") @NotNull @DurationMin(minutes = 1) Duration retention,
			@DefaultValue("1h") @NotNull @DurationMin(seconds = 1) Duration purgeInterval) {
	}

	/**
	 * Consumption of each durable queue.
	 *
	 * @param consumers competing consumers per queue on this node (messages of one queue handled concurrently)
	 * @param buffer messages of one queue held in memory at once (buffered or being handled); the rest wait in the
	 *     database, so a slow handler makes its queue longer, never this node's heap
	 * @param pollInterval how often queues are checked for messages this node was not told about (written by other
	 *     nodes, released by a crashed one, resubmitted dead letters)
	 */
	public record Queue(
			@DefaultValue("4") @Min(1) int consumers,
			@DefaultValue("256") @Min(1) int buffer,
			@DefaultValue("1s") @NotNull @DurationMin(millis = 1) Duration pollInterval) {
	}

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
