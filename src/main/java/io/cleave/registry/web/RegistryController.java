package io.cleave.registry.web;

import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import io.cleave.registry.Bytes;
import io.cleave.registry.KeyRange;
import io.cleave.registry.KeyValue;
import io.cleave.registry.KeyValueStore;
import io.cleave.registry.Lease;
import io.cleave.registry.Leases;
import io.cleave.registry.RangeQuery;
import io.cleave.registry.RangeResult;
import io.cleave.registry.RegistryException;
import io.cleave.registry.ServiceInstance;
import io.cleave.registry.ServiceRegistry;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The registry for humans and scripts. Admin-only once the gateway's security lands; until then it is served on the
 * node's HTTP port like everything else, so bind that to a trusted network.
 */
@RestController
@RequestMapping("/registry")
class RegistryController {

	/** Keys returned by one browse request at most. */
	static final int MAX_KEYS = 1000;

	private final ServiceRegistry registry;

	private final KeyValueStore kv;

	private final Leases leases;

	RegistryController(ServiceRegistry registry, KeyValueStore kv, Leases leases) {
		this.registry = registry;
		this.kv = kv;
		this.leases = leases;
	}

	@GetMapping("/services")
	Map<String, Integer> services() {
		return registry.services().stream()
				.collect(Collectors.toMap(s -> s, s -> registry.instances(s).size(), (a, b) -> a, TreeMap::new));
	}

	@GetMapping("/services/{service}")
	List<ServiceInstance> instances(@PathVariable String service) {
		ServiceInstance.requireServiceName(service);
		return registry.instances(service);
	}

	/** Registers (or replaces) an instance of a service that keeps its own lease alive. */
	@PutMapping("/services/{service}/instances/{id}")
	ResponseEntity<Registered> register(@PathVariable String service, @PathVariable String id,
			@Valid @RequestBody Registration body) {
		ServiceInstance instance = new ServiceInstance(service, id, body.addresses(), body.zone(), body.version(),
				body.weight() == null ? 100 : body.weight(), body.metadata() == null ? Map.of() : body.metadata());
		Lease lease = registry.register(instance, Duration.ofSeconds(body.ttlSeconds()));
		return ResponseEntity.status(HttpStatus.CREATED)
				.location(URI.create("/registry/services/" + service))
				.body(new Registered(instance, Long.toString(lease.id()), lease.ttl()));
	}

	@DeleteMapping("/services/{service}/instances/{id}")
	ResponseEntity<Void> deregister(@PathVariable String service, @PathVariable String id) {
		ServiceInstance.requireServiceName(service);
		if (!registry.deregister(service, id)) {
			throw new RegistryException(RegistryException.Reason.NOT_FOUND,
					"instance '" + id + "' of service '" + service + "' is not registered");
		}
		return ResponseEntity.noContent().build();
	}

	/** Keeps a lease alive for its full TTL; what a non-Java service calls every TTL/3. */
	@PostMapping("/leases/{lease}/keep-alive")
	LeaseTtl keepAlive(@PathVariable long lease) {
		return leases.keepAlive(lease)
				.map(l -> new LeaseTtl(Long.toString(l.id()), l.ttl()))
				.orElseThrow(RegistryException::leaseNotFound);
	}

	/** Browses the store by key prefix, values as UTF-8 text when they are text and base64 otherwise. */
	@GetMapping("/keys")
	Keys keys(@RequestParam(defaultValue = "/") String prefix,
			@RequestParam(defaultValue = "100") @Min(1) @Max(MAX_KEYS) int limit) {
		if (prefix.isEmpty()) {
			throw RegistryException.invalidArgument("prefix must not be empty");
		}
		RangeResult result = kv.range(RangeQuery.of(KeyRange.prefix(Bytes.utf8(prefix))).withLimit(limit));
		return new Keys(result.revision(), result.count(), result.more(),
				result.kvs().stream().map(StoredKey::of).toList());
	}

	/**
	 * A registration request.
	 *
	 * @param addresses where the instance is reached, per transport ({@code http}, {@code grpc}, …)
	 * @param ttlSeconds how long the instance lives without a keep-alive
	 */
	record Registration(@NotNull Map<String, URI> addresses, @Nullable String zone, @Nullable String version,
			@Nullable @Min(0) Integer weight, @Nullable Map<String, String> metadata,
			@Min(1) @Max(86_400) long ttlSeconds) {
	}

	/** A registered instance and the lease it lives on (ids as strings: they exceed JavaScript's safe integers). */
	record Registered(ServiceInstance instance, String lease, long ttlSeconds) {
	}

	record LeaseTtl(String lease, long ttlSeconds) {
	}

	record Keys(long revision, long count, boolean more, List<StoredKey> keys) {
	}

	record StoredKey(String key, @Nullable String value, @Nullable String valueBase64, long createRevision,
			long modRevision, long version, String lease) {

		static StoredKey of(KeyValue kv) {
			boolean text = Bytes.utf8(kv.value().toStringUtf8()).equals(kv.value());
			return new StoredKey(kv.key().toString(), text ? kv.value().toStringUtf8() : null,
					text ? null : Base64.getEncoder().encodeToString(kv.value().unsafeArray()), kv.createRevision(),
					kv.modRevision(), kv.version(), Long.toString(kv.lease()));
		}
	}
}
