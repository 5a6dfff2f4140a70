package io.cleave.rpc.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import io.cleave.rpc.CallContext;
import io.cleave.rpc.Deadline;
import io.cleave.rpc.InvalidRequestException;
import io.cleave.rpc.InvalidRequestException.FieldViolation;
import io.cleave.rpc.RpcService;
import io.cleave.rpc.inproc.InProcessRpcTransport;
import io.cleave.rpc.opentelemetry.OpenTelemetryRpc;
import io.cleave.status.Status;
import io.cleave.status.StatusException;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.cleave.testing.KeptSpans;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The endpoint chain of a hosted method, called through the in-process transport with real Micrometer, Validator and
 * OpenTelemetry SDK (W3C propagation, spans kept as they end).
 */
class EndpointChainTests {

	record Ping(@NotBlank @Size(max = 5) String text) {
	}

	record Pong(String text, long remainingMillis, String caller) {
	}

	static final class Refused extends StatusException {

		Refused(String message) {
			super(Status.FAILED_PRECONDITION, message);
		}
	}

	@RpcService("Echo")
	interface Echo {

		Pong ping(Ping ping) throws Refused;
	}

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	/** Spans ended and sampled, in the order they ended. */
	private final KeptSpans kept = new KeptSpans();

	private final List<SpanData> spans = kept.spans();

	private final OpenTelemetrySdk sampled = openTelemetry(Sampler.alwaysOn());

	private final OpenTelemetrySdk unsampled = openTelemetry(Sampler.alwaysOff());

	private OpenTelemetry openTelemetry = sampled;

	private final ValidatorFactory validation = Validation.buildDefaultValidatorFactory();

	private final MethodDescriptor ping;

	private volatile Function<Ping, Pong> behaviour = EndpointChainTests::answer;

	EndpointChainTests() {
		ping = ServiceContracts.describe(Echo.class, "echo").method("Ping").orElseThrow();
	}

	private OpenTelemetrySdk openTelemetry(Sampler sampler) {
		return OpenTelemetrySdk.builder()
				.setTracerProvider(SdkTracerProvider.builder()
						.setSampler(sampler)
						.addSpanProcessor(SimpleSpanProcessor.create(kept))
						.build())
				.setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
				.build();
	}

	@AfterEach
	void close() {
		validation.close();
		sampled.close();
		unsampled.close();
	}

	private InProcessRpcTransport transport(int maxConcurrentCalls) {
		ServiceCatalog catalog = new ServiceCatalog(List.of(ServiceContracts.describe(Echo.class, "echo")), m -> true);
		Echo echo = request -> behaviour.apply(request);
		return new InProcessRpcTransport(new LocalEndpoints(catalog, service -> echo,
				EndpointMiddlewares.standard(meters, OpenTelemetryRpc.tracing(openTelemetry).middleware(), validation.getValidator(),
						maxConcurrentCalls)));
	}

	private static Pong answer(Ping ping) {
		CallContext context = CallContext.current();
		return new Pong(ping.text(), context.deadline().remaining().toMillis(), context.caller());
	}

	private static CallContext context(Duration timeout) {
		return new CallContext(Deadline.after(timeout), "tester", Map.of());
	}

	@Test
	void callsTheServiceWithTheCallsContextAsTheCurrentOne() {
		Pong pong = (Pong) transport(10).invoke(ping, new Ping("hi"), context(Duration.ofSeconds(5)));

		assertThat(pong.text()).isEqualTo("hi");
		assertThat(pong.caller()).isEqualTo("tester");
		assertThat(pong.remainingMillis()).isBetween(1L, 5000L);
		assertThat(CallContext.current()).as("restored after the call").isNull();
	}

	@Test
	void countsCallsPerServiceMethodAndStatus() {
		InProcessRpcTransport transport = transport(10);
		transport.invoke(ping, new Ping("a"), context(Duration.ofSeconds(5)));
		transport.invoke(ping, new Ping("b"), context(Duration.ofSeconds(5)));
		behaviour = request -> {
			throw new Refused("no");
		};
		assertThatExceptionOfType(Refused.class)
				.isThrownBy(() -> transport.invoke(ping, new Ping("c"), context(Duration.ofSeconds(5))));

		assertThat(meters.get(EndpointMiddlewares.CALLS_METRIC).tags("service", "Echo", "method", "Ping", "status", "OK")
				.timer().count()).isEqualTo(2);
		assertThat(meters.get(EndpointMiddlewares.CALLS_METRIC)
				.tags("service", "Echo", "method", "Ping", "status", "FAILED_PRECONDITION").timer().count()).isEqualTo(1);
	}

	@Test
	void tracesEachCallAsAServerSpanNamedAfterTheMethodWhoseParentIsTheCallersSpan() {
		Span caller = openTelemetry.getTracer("test").spanBuilder("caller").startSpan();
		try (Scope scope = caller.makeCurrent()) {
			transport(10).invoke(ping, new Ping("hi"), context(Duration.ofSeconds(5)));
		}
		caller.end();

		SpanData call = spans.getFirst();
		assertThat(call.getName()).isEqualTo("Echo/Ping");
		assertThat(call.getKind()).isEqualTo(SpanKind.SERVER);
		assertThat(call.getTraceId()).isEqualTo(caller.getSpanContext().getTraceId());
		assertThat(call.getParentSpanId()).isEqualTo(caller.getSpanContext().getSpanId());
		assertThat(call.getAttributes().asMap()).extractingFromEntries(entry -> entry.getKey().getKey() + "="
				+ entry.getValue()).contains("rpc.system=cleave", "rpc.service=Echo", "rpc.method=Ping", "rpc.status=OK");
	}

	@Test
	void continuesTheTraceARemoteCallerSentInTheCallsMetadata() {
		CallContext remote = new CallContext(Deadline.after(Duration.ofSeconds(5)), "tester",
				Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));

		transport(10).invoke(ping, new Ping("hi"), remote);

		assertThat(spans).singleElement().satisfies(call -> {
			assertThat(call.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
			assertThat(call.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
		});
	}

	@Test
	void theServiceRunsWithItsCallsSpanAsTheCurrentOne() {
		String[] seen = new String[1];
		behaviour = request -> {
			seen[0] = Span.current().getSpanContext().getSpanId();
			return answer(request);
		};

		transport(10).invoke(ping, new Ping("hi"), context(Duration.ofSeconds(5)));

		assertThat(spans).singleElement().satisfies(call -> assertThat(call.getSpanId()).isEqualTo(seen[0]));
		assertThat(Span.current().getSpanContext().isValid()).as("restored after the call").isFalse();
	}

	@Test
	void aCallMadeWhileServingAnotherIsAChildOfItsSpan() {
		InProcessRpcTransport transport = transport(10);
		behaviour = request -> request.text().equals("outer")
				? (Pong) transport.invoke(ping, new Ping("inner"), CallContext.current())
				: answer(request);

		transport.invoke(ping, new Ping("outer"), new CallContext(Deadline.after(Duration.ofSeconds(5)), "tester",
				Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")));

		assertThat(spans).hasSize(2);
		SpanData inner = spans.get(0);
		SpanData outer = spans.get(1);
		assertThat(outer.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
		assertThat(inner.getParentSpanId()).as("the span serving the outer call, not the remote caller's")
				.isEqualTo(outer.getSpanId());
		assertThat(inner.getTraceId()).isEqualTo(outer.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
	}

	@Test
	void marksTheSpanOfAFailedCallWithItsStatusAndError() {
		behaviour = request -> {
			throw new Refused("no");
		};

		assertThatExceptionOfType(Refused.class)
				.isThrownBy(() -> transport(10).invoke(ping, new Ping("hi"), context(Duration.ofSeconds(5))));

		assertThat(spans).singleElement().satisfies(call -> {
			assertThat(call.getAttributes().asMap()).extractingFromEntries(entry -> entry.getKey().getKey() + "="
					+ entry.getValue()).contains("rpc.status=FAILED_PRECONDITION");
			assertThat(call.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
		});
	}

	@Test
	void aServicesOwnExceptionReachesTheCallerAsItIs() {
		IllegalStateException broken = new IllegalStateException("broken");
		behaviour = request -> {
			throw broken;
		};

		assertThatExceptionOfType(IllegalStateException.class)
				.isThrownBy(() -> transport(10).invoke(ping, new Ping("hi"), context(Duration.ofSeconds(5))))
				.isSameAs(broken);
	}

	@Test
	void aCheckedExceptionSmuggledOutOfTheServiceIsAnInternalError() {
		behaviour = request -> sneakyThrow(new java.io.IOException("disk gone"));

		assertThatExceptionOfType(StatusException.class)
				.isThrownBy(() -> transport(10).invoke(ping, new Ping("hi"), context(Duration.ofSeconds(5))))
				.satisfies(failure -> assertThat(failure.status()).isEqualTo(Status.INTERNAL))
				.withMessageContaining("ping failed")
				.withCauseInstanceOf(java.io.IOException.class);
	}

	@SuppressWarnings("unchecked")
	private static <T extends Throwable> Pong sneakyThrow(Throwable failure) throws T {
		throw (T) failure;
	}

	@Test
	void anUnsampledCallRecordsNoSpanButTheServiceStillSeesATraceContext() {
		openTelemetry = unsampled;
		String[] seen = new String[1];
		behaviour = request -> {
			seen[0] = Span.current().getSpanContext().getTraceId();
			return answer(request);
		};

		transport(10).invoke(ping, new Ping("hi"), context(Duration.ofSeconds(5)));

		assertThat(spans).isEmpty();
		assertThat(seen[0]).as("log correlation still has a trace id").hasSize(32).isNotEqualTo("0".repeat(32));
	}

	@Test
	void anInProcessCallUnderAnUnsampledSpanRunsInItsCallersContext() {
		openTelemetry = unsampled;
		Span caller = unsampled.getTracer("caller").spanBuilder("http post").startSpan();
		SpanContext[] seen = new SpanContext[1];
		behaviour = request -> {
			seen[0] = Span.current().getSpanContext();
			return answer(request);
		};

		try (Scope scope = caller.makeCurrent()) {
			transport(10).invoke(ping, new Ping("hi"), context(Duration.ofSeconds(5)));
		}
		finally {
			caller.end();
		}

		assertThat(spans).isEmpty();
		assertThat(seen[0]).isEqualTo(caller.getSpanContext());
	}

	@Test
	void withTracingOffTheChainHasNoTracingMiddleware() {
		Endpoint core = (request, context) -> "core";

		assertThat(OpenTelemetryRpc.tracing(OpenTelemetry.noop()).middleware().apply(ping, core)).isSameAs(core);
	}

	@Test
	void refusesACallWhoseDeadlineHasPassedWithoutCallingTheService() {
		behaviour = request -> {
			throw new AssertionError("the service must not be called");
		};

		assertThatExceptionOfType(StatusException.class)
				.isThrownBy(() -> transport(10).invoke(ping, new Ping("hi"), context(Duration.ZERO)))
				.satisfies(late -> assertThat(late.status()).isEqualTo(Status.DEADLINE_EXCEEDED))
				.withMessage("Echo/Ping: the deadline passed before the call started");
	}

	@Test
	void reportsDeadlineExceededWhenTheServiceAnswersAfterTheDeadline() {
		behaviour = request -> {
			CallContext current = CallContext.current();
			while (!current.deadline().isExpired()) {
				Thread.onSpinWait(); // a service that overruns its deadline
			}
			return answer(request);
		};

		assertThatExceptionOfType(StatusException.class)
				.isThrownBy(() -> transport(10).invoke(ping, new Ping("hi"), context(Duration.ofMillis(20))))
				.satisfies(late -> assertThat(late.status()).isEqualTo(Status.DEADLINE_EXCEEDED));
	}

	@Test
	void aCallMadeInsideAServiceInheritsTheRemainingTime() {
		InProcessRpcTransport transport = transport(10);
		behaviour = request -> {
			// A nested call inside Deadline.within(1h) still gets no more than the outer call has left.
			return Deadline.within(Duration.ofHours(1), () -> answer(request));
		};

		Pong pong = (Pong) transport.invoke(ping, new Ping("hi"), context(Duration.ofSeconds(2)));

		assertThat(pong.remainingMillis()).isLessThanOrEqualTo(2000);
	}

	@Test
	void rejectsAnInvalidRequestNamingTheField() {
		assertThatExceptionOfType(InvalidRequestException.class)
				.isThrownBy(() -> transport(10).invoke(ping, new Ping("toolong"), context(Duration.ofSeconds(5))))
				.satisfies(invalid -> assertThat(invalid.violations())
						.containsExactly(new FieldViolation("text", "size must be between 0 and 5")))
				.withMessage("text: size must be between 0 and 5");
	}

	@Test
	void refusesACallBeyondTheConcurrencyLimitAndAcceptsOneOnceAPermitIsFree() throws Exception {
		InProcessRpcTransport transport = transport(1);
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		behaviour = request -> {
			entered.countDown();
			try {
				release.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return answer(request);
		};
		CompletableFuture<Object> first = CompletableFuture.supplyAsync(
				() -> transport.invoke(ping, new Ping("1"), context(Duration.ofSeconds(10))));
		assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

		assertThatExceptionOfType(StatusException.class)
				.isThrownBy(() -> transport.invoke(ping, new Ping("2"), context(Duration.ofSeconds(10))))
				.satisfies(refused -> assertThat(refused.status()).isEqualTo(Status.RESOURCE_EXHAUSTED));

		release.countDown();
		assertThat(((Pong) first.get(10, TimeUnit.SECONDS)).text()).isEqualTo("1");
		behaviour = EndpointChainTests::answer;
		assertThat(((Pong) transport.invoke(ping, new Ping("3"), context(Duration.ofSeconds(10)))).text()).isEqualTo("3");
	}

	@Test
	void aMethodThisNodeDoesNotHostIsUnimplemented() {
		ServiceCatalog nothingHosted = new ServiceCatalog(List.of(ServiceContracts.describe(Echo.class, "echo")),
				m -> false);
		LocalEndpoints endpoints = new LocalEndpoints(nothingHosted, service -> {
			throw new AssertionError("no implementation is needed");
		}, List.of());

		assertThatExceptionOfType(StatusException.class)
				.isThrownBy(() -> endpoints.endpoint(ping))
				.satisfies(missing -> assertThat(missing.status()).isEqualTo(Status.UNIMPLEMENTED));
	}
}
