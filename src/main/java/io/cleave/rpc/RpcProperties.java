package io.cleave.rpc;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * RPC settings ({@code cleave.rpc.*}).
 *
 * @param defaultDeadline deadline given to a call that arrives without one; the remaining time propagates to
 *     every further hop
 * @param maxAttempts attempts for methods declared idempotent, the first included; other methods are tried once
 * @param maxConcurrentCalls calls one hosted service serves at once; one more is refused with RESOURCE_EXHAUSTED
 *     (HTTP 429) instead of queueing
 * @param grpc the gRPC transport, used when {@code cleave.transport.rpc=grpc}
 */
@ConfigurationProperties("cleave.rpc")
public record RpcProperties(
		@DefaultValue("5s") @NotNull @DurationMin(millis = 1) Duration defaultDeadline,
		@DefaultValue("3") @Min(1) int maxAttempts,
		@DefaultValue("1000") @Min(1) int maxConcurrentCalls,
		@DefaultValue @Valid Grpc grpc) {

	/**
	 * The gRPC transport: the server of this node's hosted services and the client of the others.
	 *
	 * @param address interface the server binds; loopback unless other hosts must reach it
	 * @param port the server's TCP port; 0 picks a free one (tests)
	 * @param host the host other nodes reach this one at, as registered; empty means the bound address (or this
	 *     machine's address when bound to all interfaces)
	 * @param balancing how a caller spreads calls over a service's instances (within its own zone when the service
	 *     has instances there)
	 * @param connectionsPerInstance HTTP/2 connections a caller opens to each instance, used in turn
	 * @param breaker the circuit breaker a caller keeps per instance
	 */
	public record Grpc(
			@DefaultValue("127.0.0.1") @NotBlank String address,
			@DefaultValue("9090") @Min(0) @Max(65535) int port,
			@DefaultValue("") String host,
			@DefaultValue("least-outstanding") @NotNull Balancing balancing,
			@DefaultValue("1") @Min(1) @Max(64) int connectionsPerInstance,
			@DefaultValue @Valid Breaker breaker) {
	}

	/** How calls are spread over a service's instances. */
	public enum Balancing {
		/** Each instance in turn. */
		ROUND_ROBIN,
		/** The instance with the fewest calls under way from this node; ties go round-robin. */
		LEAST_OUTSTANDING
	}

	/**
	 * A circuit breaker per remote instance (Resilience4j): it opens when too many recent calls found the instance
	 * unavailable, and callers then pick other instances until it lets a few trial calls through again.
	 *
	 * @param failureRateThreshold percentage of failed calls, among the last {@code slidingWindow}, that opens it
	 * @param slidingWindow how many recent calls it judges by
	 * @param minimumCalls calls it needs before judging at all
	 * @param waitInOpenState how long it stays open before letting trial calls through
	 */
	public record Breaker(
			@DefaultValue("50") @Min(1) @Max(100) int failureRateThreshold,
			@DefaultValue("20") @Min(1) int slidingWindow,
			@DefaultValue("10") @Min(1) int minimumCalls,
			@DefaultValue("5s") @NotNull @DurationMin(millis = 1) Duration waitInOpenState) {
	}
}
