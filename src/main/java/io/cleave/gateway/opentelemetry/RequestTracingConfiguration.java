package io.cleave.gateway.opentelemetry;

import io.cleave.gateway.web.RequestSpans;
import io.micrometer.tracing.Tracer;
import io.opentelemetry.api.OpenTelemetry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Requests' server spans, when OpenTelemetry is on the class path. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(OpenTelemetry.class)
class RequestTracingConfiguration {

	/**
	 * Spans go to Boot's OpenTelemetry, unless tracing is off ({@code management.tracing.enabled=false} leaves
	 * Micrometer's no-op tracer) or absent: then none at all.
	 */
	@Bean
	RequestSpans requestSpans(ObjectProvider<Tracer> tracer, ObjectProvider<OpenTelemetry> openTelemetry) {
		Tracer micrometer = tracer.getIfAvailable();
		OpenTelemetry sdk = openTelemetry.getIfAvailable();
		return micrometer == null || micrometer == Tracer.NOOP || sdk == null || sdk == OpenTelemetry.noop()
				? RequestSpans.none() : new OpenTelemetryRequestSpans(sdk);
	}
}
