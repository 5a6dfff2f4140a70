package io.cleave.rpc.opentelemetry;

import io.cleave.rpc.endpoint.RpcTracing;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.exporter.SpanReporter;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.SpanProcessors;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * RPC's tracing, and the node's span processors (every span of the node, HTTP's included, ends in them), when
 * OpenTelemetry is on the class path.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(OpenTelemetry.class)
public class OpenTelemetryConfiguration {

	/**
	 * Spans go to Boot's OpenTelemetry, unless tracing is off ({@code management.tracing.enabled=false} leaves
	 * Micrometer's no-op tracer) or absent: then no tracing at all.
	 */
	@Bean
	RpcTracing rpcTracing(ObjectProvider<Tracer> tracer, ObjectProvider<OpenTelemetry> openTelemetry) {
		Tracer micrometer = tracer.getIfAvailable();
		OpenTelemetry sdk = openTelemetry.getIfAvailable();
		return OpenTelemetryRpc.tracing(micrometer == null || micrometer == Tracer.NOOP || sdk == null
				? OpenTelemetry.noop() : sdk);
	}

	/** Boot's batch span processor, which hands sampled spans to the span exporters. */
	static final String BOOTS_SPAN_PROCESSOR = "otelSpanProcessor";

	/**
	 * The node's span processors as Boot lists them, less Boot's batch processor while it has nowhere to send spans: no
	 * {@link SpanExporter} (none unless {@code management.opentelemetry.tracing.export.otlp.endpoint} or an exporter
	 * bean says where) and no Micrometer {@link SpanReporter}. It would still queue every sampled span, turn it into
	 * span data and hand it to an empty exporter on a thread of its own: 1% of the edge's CPU per request
	 * (bench/gateway.sh, JFR). Spans are recorded all the same: trace ids reach logs, the access log and callees. Boot's
	 * processor is still made, and stays idle.
	 */
	@Bean
	SpanProcessors spanProcessors(ObjectProvider<SpanProcessor> processors, ObjectProvider<SpanExporter> exporters,
			ObjectProvider<SpanReporter> reporters, ListableBeanFactory beans) {
		boolean exported = exporters.stream().findAny().isPresent() || reporters.stream().findAny().isPresent();
		@Nullable SpanProcessor idle = exported || !beans.containsBean(BOOTS_SPAN_PROCESSOR) ? null
				: beans.getBean(BOOTS_SPAN_PROCESSOR, SpanProcessor.class);
		return SpanProcessors.of(processors.orderedStream().filter(processor -> processor != idle).toList());
	}
}
