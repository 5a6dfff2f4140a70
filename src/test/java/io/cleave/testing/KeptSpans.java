package io.cleave.testing;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/** An OpenTelemetry span exporter that keeps what it is given, so tests can look at the spans a call produced. */
public final class KeptSpans implements SpanExporter {

	private final List<SpanData> spans = new CopyOnWriteArrayList<>();

	/** The spans exported so far, in the order they ended. */
	public List<SpanData> spans() {
		return spans;
	}

	@Override
	public CompletableResultCode export(Collection<SpanData> finished) {
		spans.addAll(finished);
		return CompletableResultCode.ofSuccess();
	}

	@Override
	public CompletableResultCode flush() {
		return CompletableResultCode.ofSuccess();
	}

	@Override
	public CompletableResultCode shutdown() {
		return CompletableResultCode.ofSuccess();
	}
}
