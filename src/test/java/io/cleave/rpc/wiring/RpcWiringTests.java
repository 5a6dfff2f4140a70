package io.cleave.rpc.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import fixtures.outside.OutsideSleeper;
import fixtures.rpc.SecondSleeper;
import fixtures.rpc.Sleeper;
import fixtures.rpc.Sleeper.Sleep;
import fixtures.rpc.Sleeper.Slept;
import fixtures.rpc.SleeperService;

import io.cleave.CleaveProperties;
import io.cleave.rpc.CallContext;
import io.cleave.rpc.Deadline;
import io.cleave.rpc.RpcInvoker;
import io.cleave.rpc.RpcProperties;
import io.cleave.rpc.endpoint.MethodDescriptor;
import io.cleave.rpc.endpoint.RpcContractException;
import io.cleave.rpc.endpoint.RpcTransport;
import io.cleave.rpc.opentelemetry.OpenTelemetryConfiguration;
import io.cleave.testing.KeptSpans;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.exporter.SpanReporter;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.SpanProcessors;
import org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

/**
 * How RPC wires itself into a Spring context: the proxy is what gets injected, hosted services need exactly one
 * implementation inside their module, and services hosted elsewhere go to the remote transport.
 */
class RpcWiringTests {

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ CleaveProperties.class, RpcProperties.class })
	static class Properties {
	}

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
			.withInitializer(context -> AutoConfigurationPackages.register(
					(BeanDefinitionRegistry) context.getBeanFactory(), Sleeper.class.getPackageName()))
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, ValidationAutoConfiguration.class))
			.withUserConfiguration(Properties.class, RpcWiring.class, OpenTelemetryConfiguration.class);

	@Test
	void injectsTheProxyWhichCallsTheImplementationThroughTheChain() {
		runner.withUserConfiguration(SleeperService.class).run(context -> {
			assertThat(context).hasNotFailed();
			Sleeper sleeper = context.getBean(Sleeper.class);
			assertThat(sleeper).isNotInstanceOf(SleeperService.class);
			assertThat(sleeper.sleep(new Sleep(0))).isEqualTo(new Slept(0, "cleave-1"));
		});
	}

	@Test
	void callsByNameWithJson() {
		runner.withUserConfiguration(SleeperService.class).run(context -> assertThat(context.getBean(RpcInvoker.class)
				.invoke("sleeper", "sleep", "{\"millis\":1}", Duration.ofSeconds(5)))
				.isEqualTo("{\"millis\":1,\"caller\":\"cleave-1\"}"));
	}

	@Test
	void aCallInsideAnotherCallKeepsItsCaller() {
		runner.withUserConfiguration(SleeperService.class).run(context -> {
			Sleeper sleeper = context.getBean(Sleeper.class);
			CallContext outer = new CallContext(Deadline.after(Duration.ofSeconds(5)), "alice",
					Map.of());

			assertThat(outer.run(() -> sleeper.sleep(new Sleep(0))).caller()).isEqualTo("alice");
		});
	}

	@Test
	void aCallInsideAnotherCallPassesItsTraceContextOn() {
		runner.withUserConfiguration(SleeperService.class).run(context -> {
			String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
			CallContext outer = new CallContext(Deadline.after(Duration.ofSeconds(5)), "alice",
					Map.of("traceparent", traceparent));

			CallContext nested = outer.run(() -> context.getBean(RpcClients.class).newContext(null));

			assertThat(nested.metadata()).containsEntry("traceparent", traceparent);
			assertThat(nested.caller()).isEqualTo("alice");
		});
	}

	@Test
	void refusesToStartWhenAHostedServiceHasNoImplementation() {
		runner.run(context -> assertThat(context).getFailure()
				.isInstanceOf(RpcContractException.class)
				.hasMessageContaining("RPC service Sleeper (fixtures.rpc.Sleeper) has no implementation: module"
						+ " 'fixtures.rpc' is hosted on this node, so it must hold a bean implementing Sleeper"));
	}

	@Test
	void refusesToStartWhenAServiceHasTwoImplementations() {
		runner.withUserConfiguration(SleeperService.class, SecondSleeper.class).run(context -> assertThat(context)
				.getFailure()
				.isInstanceOf(RpcContractException.class)
				.hasMessageContaining("RPC service Sleeper (fixtures.rpc.Sleeper) has 2 implementations"));
	}

	@Test
	void refusesToStartWhenTheImplementationLivesOutsideTheServicesModule() {
		runner.withUserConfiguration(OutsideSleeper.class).run(context -> assertThat(context)
				.getFailure()
				.isInstanceOf(RpcContractException.class)
				.hasMessageContaining("is implemented by fixtures.outside.OutsideSleeper, outside its module"));
	}

	@Test
	void refusesToInjectAServiceHostedElsewhereWithoutARemoteTransport() {
		runner.withPropertyValues("cleave.node.modules=kv")
				.withBean(NeedsSleeper.class)
				.run(context -> assertThat(context).getFailure()
						.rootCause()
						.hasMessageContaining("RPC service Sleeper (fixtures.rpc.Sleeper) belongs to module"
								+ " 'fixtures.rpc', which this node does not host (cleave.node.modules), and no remote"
								+ " RPC transport is configured (cleave.transport.rpc)"));
	}

	@Test
	void sendsCallsToAServiceHostedElsewhereThroughTheRemoteTransport() {
		List<MethodDescriptor> sent = new CopyOnWriteArrayList<>();
		runner.withPropertyValues("cleave.node.modules=kv")
				.withUserConfiguration(SleeperService.class) // present but not hosted here: must not be called
				.withBean(RpcTransport.class, () -> (method, request, context) -> {
					sent.add(method);
					return new Slept(42, "remote");
				})
				.run(context -> {
					assertThat(context).hasNotFailed();
					assertThat(context.getBean(Sleeper.class).sleep(new Sleep(0))).isEqualTo(new Slept(42, "remote"));
					assertThat(sent).extracting(MethodDescriptor::fullName).containsExactly("Sleeper/Sleep");
				});
	}

	@Test
	void withBootsTracerEachCallIsASpanWhoseParentIsTheCallersSpan() {
		KeptSpans kept = new KeptSpans();
		List<SpanData> exported = kept.spans();
		runner.withConfiguration(AutoConfigurations.of(OpenTelemetrySdkAutoConfiguration.class,
						MicrometerTracingAutoConfiguration.class, OpenTelemetryTracingAutoConfiguration.class))
				.withPropertyValues("management.tracing.sampling.probability=1.0")
				.withUserConfiguration(SleeperService.class)
				.withBean(SpanExporter.class, () -> kept)
				.run(context -> {
					Tracer tracer = context.getBean(Tracer.class);
					Span caller = tracer.nextSpan().name("caller").start();
					try (Tracer.SpanInScope scope = tracer.withSpan(caller)) {
						context.getBean(Sleeper.class).sleep(new Sleep(0));
					}
					caller.end();

					await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(exported)
							.filteredOn(span -> span.getName().equals("Sleeper/Sleep"))
							.singleElement()
							.satisfies(span -> {
								assertThat(span.getTraceId()).isEqualTo(caller.context().traceId());
								assertThat(span.getParentSpanId()).isEqualTo(caller.context().spanId());
							}));
				});
	}

	@Test
	void bootsBatchSpanProcessorIsLeftOutWhileItHasNowhereToSendSpans() {
		ApplicationContextRunner tracing = runner.withConfiguration(AutoConfigurations.of(
				OpenTelemetrySdkAutoConfiguration.class, MicrometerTracingAutoConfiguration.class,
				OpenTelemetryTracingAutoConfiguration.class)).withUserConfiguration(SleeperService.class);
		tracing.run(context -> {
			assertThat(context).hasBean("otelSpanProcessor");
			assertThat(context.getBean(SpanProcessors.class).list()).isEmpty();
		});
		tracing.withBean(SpanExporter.class, KeptSpans::new).run(context -> assertThat(
				context.getBean(SpanProcessors.class).list()).containsExactly(context.getBean("otelSpanProcessor", SpanProcessor.class)));
		tracing.withBean(SpanReporter.class, () -> span -> { }).run(context -> assertThat(
				context.getBean(SpanProcessors.class).list()).containsExactly(context.getBean("otelSpanProcessor", SpanProcessor.class)));
	}

	@Test
	void aRemoteCallCarriesTheSpanCurrentOnTheCallingThreadAsItsTraceParent() {
		List<CallContext> sent = new CopyOnWriteArrayList<>();
		runner.withConfiguration(AutoConfigurations.of(OpenTelemetrySdkAutoConfiguration.class,
						MicrometerTracingAutoConfiguration.class, OpenTelemetryTracingAutoConfiguration.class))
				.withPropertyValues("cleave.node.modules=kv", "management.tracing.sampling.probability=1.0")
				.withBean(RpcTransport.class, () -> (method, request, callContext) -> {
					sent.add(callContext);
					return new Slept(0, "remote");
				})
				.run(context -> {
					Tracer tracer = context.getBean(Tracer.class);
					Span serving = tracer.nextSpan().name("serving").start();
					// An incoming call's (older) trace context is in the metadata; the span serving it is current.
					CallContext incoming = new CallContext(Deadline.after(Duration.ofSeconds(5)), "alice",
							Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
					try (Tracer.SpanInScope scope = tracer.withSpan(serving)) {
						incoming.run(() -> context.getBean(Sleeper.class).sleep(new Sleep(0)));
					}
					serving.end();

					assertThat(sent).singleElement().satisfies(call -> assertThat(call.metadata().get("traceparent"))
							.startsWith("00-" + serving.context().traceId() + "-" + serving.context().spanId() + "-"));
				});
	}

	static class NeedsSleeper {

		NeedsSleeper(Sleeper sleeper) {
		}
	}
}
