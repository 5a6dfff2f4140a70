package io.cleave.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

/**
 * Service discovery, as it must behave on every registry backend: the embedded store and a real etcd. A subclass
 * boots a node on its backend; each test uses a service name of its own.
 */
@Import(DiscoveryEvents.class)
public abstract class ServiceDiscoveryContract {

	private static final Duration EVENTUALLY = Duration.ofSeconds(15);

	@Autowired
	protected ServiceRegistry registry;

	@Autowired
	protected KeyValueStore kv;

	@Autowired
	protected Leases leases;

	@Autowired
	protected DiscoveryEvents events;

	protected String service;

	@BeforeEach
	void isolate() {
		service = "svc-" + UUID.randomUUID().toString().substring(0, 8);
	}

	@Test
	void theNodeRegistersItselfWithItsAddresses(@LocalServerPort int httpPort) {
		await().atMost(EVENTUALLY).untilAsserted(() -> assertThat(registry.instances("cleave"))
				.anySatisfy(instance -> {
					assertThat(instance.id()).isEqualTo("cleave-1");
					assertThat(instance.weight()).isEqualTo(100);
					assertThat(instance.addresses()).containsOnlyKeys("http");
					assertThat(instance.addresses().get("http")).satisfies(http -> {
						assertThat(http.getScheme()).isEqualTo("http");
						assertThat(http.getHost()).isNotBlank();
						assertThat(http.getPort()).isEqualTo(httpPort);
					});
				}));
	}

	@Test
	void aRegisteredInstanceIsDiscoveredWithEverythingItWasRegisteredWith() {
		ServiceInstance instance = instance("a");

		registry.register(instance, Duration.ofSeconds(30));

		await().atMost(EVENTUALLY).untilAsserted(() -> assertThat(registry.instances(service)).containsExactly(instance));
		assertThat(registry.services()).contains(service);
		await().atMost(EVENTUALLY).untilAsserted(() -> assertThat(events.about(service, "a"))
				.containsExactly("Registered"));
	}

	@Test
	void aDeregisteredInstanceDisappearsAndIsReportedAsDeregistered() {
		registry.register(instance("a"), Duration.ofSeconds(30));
		registry.register(instance("b"), Duration.ofSeconds(30));
		await().atMost(EVENTUALLY).until(() -> registry.instances(service).size() == 2);

		assertThat(registry.deregister(service, "a")).isTrue();

		await().atMost(EVENTUALLY).untilAsserted(() -> assertThat(registry.instances(service))
				.extracting(ServiceInstance::id).containsExactly("b"));
		await().atMost(EVENTUALLY).untilAsserted(() -> assertThat(events.about(service, "a"))
				.containsExactly("Registered", "Deregistered"));
		assertThat(registry.deregister(service, "a")).isFalse();
	}

	@Test
	void anInstanceWhoseLeaseIsNotKeptAliveExpires() {
		Lease lease = registry.register(instance("a"), Duration.ofSeconds(2));
		await().atMost(EVENTUALLY).until(() -> registry.instances(service).size() == 1);

		await().atMost(EVENTUALLY).untilAsserted(() -> {
			assertThat(registry.instances(service)).isEmpty();
			assertThat(events.about(service, "a")).containsExactly("Registered", "Expired");
		});
		assertThat(leases.timeToLive(lease.id(), false)).isEmpty();
		assertThat(registry.services()).doesNotContain(service);
	}

	@Test
	void anInstanceKeptAliveOutlivesItsTtl() {
		Lease lease = registry.register(instance("a"), Duration.ofSeconds(2));
		long deadline = System.nanoTime() + Duration.ofSeconds(4).toNanos();

		await().atMost(EVENTUALLY).pollInterval(Duration.ofMillis(500)).until(() -> {
			assertThat(leases.keepAlive(lease.id())).isPresent();
			return System.nanoTime() > deadline;
		});

		assertThat(registry.instances(service)).extracting(ServiceInstance::id).containsExactly("a");
	}

	@Test
	void anInstanceWrittenByAnotherToolIsDiscoveredAndGarbageIsIgnored() {
		String json = """
				{"service":"%s","id":"py-1","addresses":{"http":"http://10.0.0.7:8000"},"weight":5,"metadata":{}}"""
				.formatted(service);
		kv.put(Put.of(ServiceInstance.key(service, "garbage"), Bytes.utf8("{not json")));
		kv.put(Put.of(ServiceInstance.key(service, "py-1"), Bytes.utf8(json)));

		await().atMost(EVENTUALLY).untilAsserted(() -> assertThat(registry.instances(service))
				.singleElement()
				.satisfies(i -> assertThat(i.addresses()).containsEntry("http", URI.create("http://10.0.0.7:8000"))));
	}

	@Test
	void rejectsInvalidInstances() {
		assertThatThrownBy(() -> new ServiceInstance("Not A Label", "a", Map.of(), null, null, 1, Map.of()))
				.isInstanceOfSatisfying(RegistryException.class, ex -> {
					assertThat(ex.reason()).isEqualTo(RegistryException.Reason.INVALID_ARGUMENT);
					assertThat(ex.getMessage()).contains("service name 'Not A Label'");
				});
		assertThatThrownBy(() -> new ServiceInstance(service, "a/b", Map.of(), null, null, 1, Map.of()))
				.hasMessageContaining("instance id 'a/b'");
		assertThatThrownBy(() -> new ServiceInstance(service, "a", Map.of(), null, null, -1, Map.of()))
				.hasMessageContaining("weight must not be negative");
	}

	protected ServiceInstance instance(String id) {
		return new ServiceInstance(service, id, Map.of("http", URI.create("http://10.0.0.1:8080"),
				"grpc", URI.create("grpc://10.0.0.1:9090")), "zone-a", "1.2.3", 10, Map.of("team", "payments"));
	}
}
