package io.cleave.registry;

import java.net.URI;
import java.time.Duration;
import java.util.List;

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
 */
@Validated
@ConfigurationProperties("cleave.registry")
public record RegistryProperties(
		@DefaultValue("10s") @NotNull @DurationMin(seconds = 1) Duration instanceTtl,
		@DefaultValue List<@NotNull URI> endpoints,
		@DefaultValue @Valid EtcdApi etcdApi) {

	/**
	 * The listening socket of the etcd v3 gRPC API.
	 *
	 * @param address interface to bind; loopback unless other hosts must reach the store
	 * @param port TCP port, etcd's client port by default; 0 lets the system choose a free one (tests do)
	 */
	public record EtcdApi(
			@DefaultValue("127.0.0.1") @NotBlank String address,
			@DefaultValue("2379") @Min(0) @Max(65535) int port) {
	}
}
