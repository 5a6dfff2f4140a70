package io.cleave.registry;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Registry settings ({@code cleave.registry.*}).
 *
 * @param instanceTtl how long a node's registrations outlive its last keep-alive; a crashed node disappears
 *     from discovery within this time
 * @param endpoints client URLs of an external etcd cluster ({@code http://host:2379}); empty means this node's
 *     embedded store
 * @param etcdApi where the embedded store serves etcd's v3 gRPC API
 * @param store how the embedded store runs
 * @param instance how this node registers itself for discovery
 */
@Validated
@ConfigurationProperties("cleave.registry")
public record RegistryProperties(
		@DefaultValue("10s") @NotNull @DurationMin(seconds = 1) Duration instanceTtl,
		@DefaultValue List<@NotNull URI> endpoints,
		@DefaultValue @Valid EtcdApi etcdApi,
		@DefaultValue @Valid Store store,
		@DefaultValue @Valid Instance instance) {

	/**
	 * The listening socket of the etcd v3 gRPC API.
	 *
	 * @param address interface to bind; loopback unless other hosts must reach the store
	 * @param port TCP port, etcd's client port by default; 0 picks a free one (tests)
	 */
	public record EtcdApi(
			@DefaultValue("127.0.0.1") @NotBlank String address,
			@DefaultValue("2379") @Min(0) @Max(65535) int port) {
	}

	/**
	 * The embedded store's timing.
	 *
	 * @param pollInterval how often a node looks for writes other nodes sharing its database made, and so the
	 *     longest those take to reach its watchers (its own writes reach them at once)
	 * @param progressInterval how long a watch that asked for progress notifications may go without a message
	 *     (etcd's default is 10 minutes)
	 * @param leaseCheckInterval how often expired leases are looked for; a lease outlives its TTL by at most this
	 * @param watchBuffer how many recent events are kept in memory for watchers that keep up; others read history
	 * @param historyRetention how many revisions of history to keep (older ones are compacted, as etcd's
	 *     revision-mode auto-compaction does); 0 keeps everything
	 * @param compactionInterval how often to compact history down to the retention
	 */
	public record Store(
			@DefaultValue("250ms") @NotNull @DurationMin(millis = 10) Duration pollInterval,
			@DefaultValue("10m") @NotNull @DurationMin(millis = 10) Duration progressInterval,
			@DefaultValue("500ms") @NotNull @DurationMin(millis = 10) Duration leaseCheckInterval,
			@DefaultValue("10000") @Min(100) int watchBuffer,
			@DefaultValue("100000") @Min(0) long historyRetention,
			@DefaultValue("1m") @NotNull @DurationMin(seconds = 1) Duration compactionInterval) {
	}

	/**
	 * This node's own service instance, registered under {@code /cleave/services/<service>/<node name>} while it runs.
	 *
	 * @param service the service this node is an instance of
	 * @param host the host other nodes reach it at; empty means this machine's address
	 * @param zone the zone it runs in, if any
	 * @param weight its share of traffic relative to the service's other instances
	 * @param metadata free-form labels published with it
	 */
	public record Instance(
			@DefaultValue("cleave") @NotBlank String service,
			@DefaultValue("") String host,
			@DefaultValue("") String zone,
			@DefaultValue("100") @Min(0) int weight,
			@DefaultValue Map<String, String> metadata) {
	}
}
