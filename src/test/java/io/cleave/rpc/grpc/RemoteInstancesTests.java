package io.cleave.rpc.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import io.cleave.registry.Lease;
import io.cleave.registry.ServiceInstance;
import io.cleave.registry.ServiceRegistry;
import io.cleave.rpc.RpcProperties;
import io.cleave.status.Status;
import io.cleave.status.StatusException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How a caller picks among a service's instances: its zone first, round-robin or least-outstanding, instances with
 * an open breaker skipped. Channels are created but never connect: nothing is called.
 */
class RemoteInstancesTests {

	private final Instances registry = new Instances();

	private final List<RemoteInstances> opened = new ArrayList<>();

	@AfterEach
	void close() {
		opened.forEach(RemoteInstances::close);
	}

	@Test
	void instancesInTheCallersZoneAreTheOnlyOnesPickedWhileThereAreAny() {
		registry.add("a", "z1").add("b", "z2").add("c", "z1");
		RemoteInstances instances = instances(RpcProperties.Balancing.ROUND_ROBIN, "z1");

		assertThat(picks(instances, 10)).containsOnly("a", "c").contains("a", "c");
	}

	@Test
	void otherZonesAreUsedWhenTheCallersZoneHasNoInstance() {
		registry.add("a", "z2").add("b", "z3");
		RemoteInstances instances = instances(RpcProperties.Balancing.ROUND_ROBIN, "z1");

		assertThat(picks(instances, 10)).contains("a", "b");
	}

	@Test
	void roundRobinTakesEachInstanceInTurn() {
		registry.add("a", null).add("b", null).add("c", null);
		RemoteInstances instances = instances(RpcProperties.Balancing.ROUND_ROBIN, null);

		List<String> picks = picks(instances, 9);
		assertThat(IntStream.range(0, 3).mapToObj(i -> picks.get(i)).collect(java.util.stream.Collectors.toSet()))
				.containsExactlyInAnyOrder("a", "b", "c");
		assertThat(picks).filteredOn("a"::equals).hasSize(3);
	}

	@Test
	void leastOutstandingPicksTheInstanceWithTheFewestCallsUnderWay() {
		registry.add("a", null).add("b", null).add("c", null);
		RemoteInstances instances = instances(RpcProperties.Balancing.LEAST_OUTSTANDING, null);
		picks(instances, 3);
		instances.known().forEach(remote -> remote.outstanding.set(remote.instance.id().equals("b") ? 0 : 5));

		assertThat(picks(instances, 5)).containsOnly("b");
	}

	@Test
	void anInstanceWhoseBreakerIsOpenIsSkippedAndNoneLeftIsUnavailable() {
		registry.add("a", null).add("b", null);
		RemoteInstances instances = instances(RpcProperties.Balancing.ROUND_ROBIN, null);
		picks(instances, 2);
		instances.known().stream().filter(remote -> remote.instance.id().equals("a"))
				.forEach(remote -> remote.breaker().transitionToOpenState());

		assertThat(picks(instances, 4)).containsOnly("b");

		instances.known().forEach(remote -> {
			if (remote.breaker().getState() != io.github.resilience4j.circuitbreaker.CircuitBreaker.State.OPEN) {
				remote.breaker().transitionToOpenState();
			}
		});
		assertThatExceptionOfType(StatusException.class).isThrownBy(() -> instances.pick("Svc", Set.of()))
				.withMessageContaining("no instance of RPC service Svc is available (2 registered as 'rpc-svc')")
				.satisfies(failure -> assertThat(failure.status()).isEqualTo(Status.UNAVAILABLE));
	}

	@Test
	void withNoInstanceRegisteredAPickIsUnavailableNamingTheService() {
		RemoteInstances instances = instances(RpcProperties.Balancing.ROUND_ROBIN, null);

		assertThatExceptionOfType(StatusException.class).isThrownBy(() -> instances.pick("Svc", Set.of()))
				.withMessage("no instance of RPC service Svc is available (0 registered as 'rpc-svc')")
				.satisfies(failure -> assertThat(failure.status()).isEqualTo(Status.UNAVAILABLE));
	}

	@Test
	void instancesAlreadyTriedAreNotPickedAgain() {
		registry.add("a", null).add("b", null);
		RemoteInstances instances = instances(RpcProperties.Balancing.ROUND_ROBIN, null);

		assertThat(new TreeSet<>(IntStream.range(0, 4).mapToObj(i -> instances.pick("Svc", Set.of("a")).instance.id())
				.toList())).containsExactly("b");
	}

	private RemoteInstances instances(RpcProperties.Balancing balancing, @Nullable String zone) {
		RpcProperties.Grpc settings = new RpcProperties.Grpc("127.0.0.1", 0, "", balancing, 1,
				new RpcProperties.Breaker(50, 20, 10, Duration.ofMinutes(1)));
		RemoteInstances instances = new RemoteInstances(registry, settings, zone);
		opened.add(instances);
		return instances;
	}

	private static List<String> picks(RemoteInstances instances, int count) {
		List<String> picks = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			picks.add(instances.pick("Svc", Set.of()).instance.id());
		}
		return picks;
	}

	/** The registry's view of one service's instances, as a test sets it. */
	private static final class Instances implements ServiceRegistry {

		private final List<ServiceInstance> instances = new CopyOnWriteArrayList<>();

		Instances add(String id, @Nullable String zone) {
			instances.add(new ServiceInstance("rpc-svc", id, Map.of("grpc", URI.create("grpc://127.0.0.1:1")), zone,
					null, 100, Map.of()));
			return this;
		}

		@Override
		public List<ServiceInstance> instances(String service) {
			return service.equals("rpc-svc") ? instances : List.of();
		}

		@Override
		public Set<String> services() {
			return Set.of("rpc-svc");
		}

		@Override
		public Lease register(ServiceInstance instance, Duration ttl) {
			throw new UnsupportedOperationException();
		}

		@Override
		public void registerWithNode(ServiceInstance instance) {
			throw new UnsupportedOperationException();
		}

		@Override
		public boolean deregister(String service, String id) {
			return false;
		}

		@Override
		public long nodeLease() {
			return 0;
		}
	}
}
