package io.cleave.rpc.wiring;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.validation.Validator;

import fixtures.bench.Adder;
import fixtures.bench.Adder.Sum;
import fixtures.bench.Adder.Terms;

import io.cleave.rpc.endpoint.EndpointMiddleware;
import io.cleave.rpc.endpoint.EndpointMiddlewares;
import io.cleave.rpc.opentelemetry.OpenTelemetryRpc;
import io.cleave.rpc.endpoint.LocalEndpoints;
import io.cleave.rpc.endpoint.ServiceCatalog;
import io.cleave.rpc.endpoint.ServiceContracts;
import io.cleave.rpc.inproc.InProcessRpcTransport;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import io.opentelemetry.api.OpenTelemetry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.otlp.OtlpMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.NoopTracerAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.prometheus.PrometheusExemplarsAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.otlp.OtlpTracingAutoConfiguration;
import org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * What an in-process RPC call costs over a direct call to the same implementation: go-kit's addsvc {@code Sum} with a
 * validated request, through the injected proxy, the in-process transport and the whole endpoint chain (Prometheus
 * metrics, an OpenTelemetry span, Bean Validation, the deadline and the concurrency limit), each middleware alone,
 * and none at all, to tell dispatch from chain. The meter registry, tracer, propagator and validator are the beans
 * Boot's auto-configuration makes for Cleave (Prometheus with exemplars, Micrometer Tracing over the OpenTelemetry
 * SDK, export off), with the sampling probability as a parameter: 0 (every span unsampled) or 1 (every span recorded).
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

	/** The observability and validation Cleave's application context has, and nothing else. */
	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ ValidationAutoConfiguration.class, ObservationAutoConfiguration.class,
			MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
			PrometheusMetricsExportAutoConfiguration.class, OtlpMetricsExportAutoConfiguration.class,
			MicrometerTracingAutoConfiguration.class, NoopTracerAutoConfiguration.class,
			PrometheusExemplarsAutoConfiguration.class, OpenTelemetrySdkAutoConfiguration.class,
			OpenTelemetryTracingAutoConfiguration.class, OtlpTracingAutoConfiguration.class })
	static class Observability {
	}

	private final AdderService implementation = new AdderService();

	private ConfigurableApplicationContext context;

	/** Which middleware the {@link #rpc} benchmark's chain has: none, one of them alone, or the whole chain. */
	@Param({ "none", "metrics", "tracing", "deadline", "validation", "limit", "allButTracing", "all" })
	public String chain;

	/** {@code management.tracing.sampling.probability}: 0 = no span is sampled, 1 = every span is. */
	@Param({ "0.0", "1.0" })
	public String sampling;

	private Adder client;

	private Terms terms;

	@Setup(Level.Trial)
	public void setUp() {
		context = new SpringApplicationBuilder(Observability.class)
				.web(WebApplicationType.NONE)
				.properties("spring.main.banner-mode=off", "logging.level.root=warn",
						"management.tracing.sampling.probability=" + sampling,
						"management.otlp.metrics.export.enabled=false")
				.run();
		MeterRegistry meters = context.getBean(MeterRegistry.class);
		OpenTelemetry openTelemetry = context.getBeanProvider(OpenTelemetry.class).getIfAvailable(OpenTelemetry::noop);
		Validator validator = context.getBean(Validator.class);
		if (openTelemetry == OpenTelemetry.noop()) {
			throw new IllegalStateException("the benchmark needs Boot's OpenTelemetry, got the no-op one");
		}
		List<EndpointMiddleware> all = EndpointMiddlewares.standard(meters,
				OpenTelemetryRpc.tracing(openTelemetry).middleware(), validator, 1000);
		client = proxy(switch (chain) {
			case "none" -> List.of();
			case "metrics" -> List.of(EndpointMiddlewares.metrics(meters));
			case "tracing" -> List.of(OpenTelemetryRpc.tracing(openTelemetry).middleware());
			case "deadline" -> List.of(EndpointMiddlewares.deadline());
			case "validation" -> List.of(EndpointMiddlewares.validation(validator));
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
		context.close();
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
