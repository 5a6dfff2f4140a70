package io.cleave.rpc.opentelemetry;

import io.cleave.rpc.endpoint.RpcTracing;
import io.micrometer.tracing.Tracer;
import io.opentelemetry.api.OpenTelemetry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** RPC's tracing, when OpenTelemetry is on the class path. */
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
}
