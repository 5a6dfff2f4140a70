package io.cleave.registry;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.hibernate.validator.constraints.time.DurationMin;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

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
 * @param limits the largest requests the embedded store accepts, on every entrance (Java, etcd API, REST)
 */
@ConfigurationProperties("cleave.registry")
public record RegistryProperties(
		@DefaultValue("10s") @NotNull @DurationMin(seconds = 1) Duration instanceTtl,
		@DefaultValue List<@NotNull URI> endpoints,
		@DefaultValue @Valid EtcdApi etcdApi,
		@DefaultValue @Valid Store store,
		@DefaultValue @Valid Instance instance,
		@DefaultValue @Valid Limits limits) {

	/**
	 * The etcd v3 gRPC API: whether it is served, its listening socket and its transport security.
	 *
	 * @param enabled serve it at all; a single node that needs no etcd tooling opens no gRPC port
	 * @param address interface to bind; loopback unless other hosts must reach the store
	 * @param port TCP port, etcd's client port by default; 0 picks a free one (tests)
	 * @param tls TLS and client-certificate authentication, like etcd's {@code --cert-file} and friends
	 * @param insecure serve plaintext on a non-loopback address anyway (refused otherwise, as anyone on the
	 *     network could read and change the registry)
	 */
	public record EtcdApi(
			@DefaultValue("true") boolean enabled,
			@DefaultValue("127.0.0.1") @NotBlank String address,
			@DefaultValue("2379") @Min(0) @Max(65535) int port,
			@DefaultValue @Valid Tls tls,
			@DefaultValue("false") boolean insecure) {

		/** Loopback, any port, no TLS: what tests and a local node use. */
		public static EtcdApi loopback(int port) {
			return new EtcdApi(true, "127.0.0.1", port, Tls.NONE, false);
		}

		/** A plaintext API must stay on this machine unless someone says otherwise on purpose. */
		@AssertTrue(message = "serves plaintext on a non-loopback address: set cleave.registry.etcd-api.tls.cert-file "
				+ "and key-file, or cleave.registry.etcd-api.insecure=true to accept that anyone on the network can "
				+ "read and change the registry")
		public boolean isSecureUnlessLoopback() {
			if (!enabled || tls.enabled() || insecure) {
				return true;
			}
			try {
				return InetAddress.getByName(address).isLoopbackAddress();
			}
			catch (UnknownHostException ex) {
				return true; // reported when the server binds, naming the address
			}
		}
	}

	/**
	 * TLS on the etcd API, named after etcd's flags. Set both files to serve TLS; add a CA to require client
	 * certificates it signed.
	 *
	 * @param certFile the server's certificate chain, PEM (etcd's {@code --cert-file})
	 * @param keyFile the server's private key, PKCS#8 PEM ({@code --key-file})
	 * @param trustedCaFile CA certificates, PEM, that client certificates must chain to ({@code --trusted-ca-file})
	 * @param clientCertAuth require a client certificate signed by that CA ({@code --client-cert-auth})
	 */
	public record Tls(@Nullable Path certFile, @Nullable Path keyFile, @Nullable Path trustedCaFile,
			@DefaultValue("false") boolean clientCertAuth) {

		static final Tls NONE = new Tls(null, null, null, false);

		public boolean enabled() {
			return certFile != null;
		}

		@AssertTrue(message = "needs both cert-file and key-file, or neither")
		public boolean isCertificateWithKey() {
			return (certFile == null) == (keyFile == null);
		}

		@AssertTrue(message = "client-cert-auth needs cert-file, key-file and trusted-ca-file")
		public boolean isClientAuthenticationComplete() {
			return !clientCertAuth || (certFile != null && trustedCaFile != null);
		}
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

	/**
	 * Limits on what one request may carry, etcd's by default. The etcd API measures a request as etcd does, by its
	 * encoded message; the Java and REST entrances by the bytes of the keys and values it carries.
	 *
	 * @param requestSize the largest write request (etcd's {@code --max-request-bytes}); larger ones fail with
	 *     etcd's "request is too large", 413 on REST. The etcd API reads messages up to this plus 512 KiB, as etcd
	 *     does, and drops larger ones unread; REST refuses bodies over it before reading them
	 * @param keySize the longest key; PostgreSQL indexes keys, and its index entries hold at most about 2.7 KB
	 * @param valueSize the largest value
	 * @param txnOps the most compares, and the most operations per branch, of one transaction (etcd's
	 *     {@code --max-txn-ops})
	 * @param watchResponseSize watch responses larger than this are split: between revisions for every watch, and
	 *     within a revision into {@code fragment}s for watches that asked for them (etcd splits at its request
	 *     limit plus 512 KiB)
	 */
	public record Limits(
			@DefaultValue("1536KB") @NotNull DataSize requestSize,
			@DefaultValue("2KB") @NotNull DataSize keySize,
			@DefaultValue("1536KB") @NotNull DataSize valueSize,
			@DefaultValue("128") @Min(1) int txnOps,
			@DefaultValue("2MB") @NotNull DataSize watchResponseSize) {

		/** The defaults: etcd's, and a key size PostgreSQL can index. */
		public static final Limits DEFAULTS = new Limits(DataSize.ofKilobytes(1536), DataSize.ofKilobytes(2),
				DataSize.ofKilobytes(1536), 128, DataSize.ofMegabytes(2));

		@AssertTrue(message = "sizes must be positive")
		public boolean isPositive() {
			return requestSize.toBytes() > 0 && keySize.toBytes() > 0 && valueSize.toBytes() > 0
					&& watchResponseSize.toBytes() > 0 && requestSize.toBytes() <= Integer.MAX_VALUE / 2;
		}
	}
}
