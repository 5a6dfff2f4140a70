package io.cleave.rpc.wiring;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;

import fixtures.bench.Adder;
import fixtures.bench.Adder.Sum;
import fixtures.bench.Adder.Terms;

import io.cleave.rpc.endpoint.EndpointMiddleware;
import io.cleave.rpc.endpoint.EndpointMiddlewares;
import io.cleave.rpc.endpoint.LocalEndpoints;
import io.cleave.rpc.endpoint.ServiceCatalog;
import io.cleave.rpc.endpoint.ServiceContracts;
import io.cleave.rpc.inproc.InProcessRpcTransport;

import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What an in-process RPC call costs over a direct call to the same implementation: go-kit's addsvc {@code Sum} with a
 * validated request, through the injected proxy, the in-process transport and the whole endpoint chain (Prometheus
 * metrics, an observation with Boot's default meter handler, Bean Validation, the deadline and the concurrency
 * limit), each middleware alone, and none at all, to tell dispatch from chain.
 * Run by {@code bench/rpc-inproc.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode({ Mode.AverageTime, Mode.SampleTime })
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xms256m", "-Xmx256m" })
public class RpcInProcessBenchmark {

	/** The implementation, called directly by the anchor and through RPC by the others. */
	static final class AdderService implements Adder {

		@Override
		public Sum sum(Terms terms) {
			return new Sum(terms.a() + terms.b());
		}
	}

	private final AdderService implementation = new AdderService();

	private ValidatorFactory validation;

	private PrometheusMeterRegistry meters;

	/** Which middleware the {@link #rpc} benchmark's chain has: none, one of them alone, or the whole chain. */
	@Param({ "none", "metrics", "tracing", "deadline", "validation", "limit", "allButTracing", "all" })
	public String chain;

	private Adder client;

	private Terms terms;

	@Setup(Level.Trial)
	public void setUp() {
		validation = Validation.buildDefaultValidatorFactory();
		meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		ObservationRegistry observations = ObservationRegistry.create();
		observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
		List<EndpointMiddleware> all = EndpointMiddlewares.standard(meters, observations, validation.getValidator(),
				1000);
		client = proxy(switch (chain) {
			case "none" -> List.of();
			case "metrics" -> List.of(EndpointMiddlewares.metrics(meters));
			case "tracing" -> List.of(EndpointMiddlewares.tracing(observations));
			case "deadline" -> List.of(EndpointMiddlewares.deadline());
			case "validation" -> List.of(EndpointMiddlewares.validation(validation.getValidator()));
			case "limit" -> List.of(EndpointMiddlewares.concurrencyLimit(1000));
			case "allButTracing" -> all.stream().filter(middleware -> all.indexOf(middleware) != 1).toList();
			case "all" -> all;
			default -> throw new IllegalArgumentException("unknown chain " + chain);
		});
		terms = new Terms(1, 2);
		if (client.sum(terms).v() != 3) {
			throw new IllegalStateException("the benchmark's service does not add up");
		}
	}

	private Adder proxy(List<EndpointMiddleware> middlewares) {
		ServiceCatalog catalog = new ServiceCatalog(List.of(ServiceContracts.describe(Adder.class, "fixtures.bench")),
				module -> true);
		LocalEndpoints endpoints = new LocalEndpoints(catalog, service -> implementation, middlewares);
		RpcClients clients = new RpcClients(catalog, new InProcessRpcTransport(endpoints), () -> null,
				Duration.ofSeconds(5), "bench");
		return clients.proxy(Adder.class);
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		validation.close();
		meters.close();
	}

	/** The anchor (bench/rpc-inproc.sh runs it for one chain value only: the chain plays no part in it). */
	@Benchmark
	public Sum direct() {
		return implementation.sum(terms);
	}

	@Benchmark
	public Sum rpc() {
		return client.sum(terms);
	}
}
