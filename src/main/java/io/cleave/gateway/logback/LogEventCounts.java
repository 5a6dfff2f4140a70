package io.cleave.gateway.logback;

import java.util.List;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.logging.LogbackMetrics;

/**
 * Micrometer's {@code logback.events} counters — events that made it to the logs, by level — counted by an appender
 * on the root logger instead of Micrometer's TurboFilter. A TurboFilter runs on every {@code isDebugEnabled()} and
 * {@code isTraceEnabled()} check of every logger, which Spring's code makes dozens of times per request: about 3% of
 * the HTTP edge's CPU per request (bench/gateway.sh, JFR); an appender runs only for the events that are written.
 * Boot backs off its own binder for a bean of this type. The appender is attached when the bean is created, before
 * {@link BufferedAccessLog} gives the access logger the root's appenders, so access lines are counted too.
 */
final class LogEventCounts extends LogbackMetrics {

	private static final String NAME = "logback.events";

	private final Logger root;

	private final CountingAppender appender = new CountingAppender();

	LogEventCounts(LoggerContext context) {
		super(List.of(), context);
		this.root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
		this.appender.setContext(context);
		this.appender.setName("CLEAVE_LOG_EVENT_COUNTS");
		this.appender.start();
		this.root.addAppender(this.appender);
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.appender.add(new Counters(counter(registry, "error"), counter(registry, "warn"),
				counter(registry, "info"), counter(registry, "debug"), counter(registry, "trace")));
	}

	private static Counter counter(MeterRegistry registry, String level) {
		return Counter.builder(NAME)
				.tag("level", level)
				.description("Number of " + level + " level events that made it to the logs")
				.baseUnit("events")
				.register(registry);
	}

	@Override
	public void close() {
		this.root.detachAppender(this.appender);
		this.appender.stop();
	}

	/** One registry's counters. */
	private record Counters(Counter error, Counter warn, Counter info, Counter debug, Counter trace) {

		void count(Level level) {
			switch (level.toInt()) {
				case Level.ERROR_INT -> this.error.increment();
				case Level.WARN_INT -> this.warn.increment();
				case Level.INFO_INT -> this.info.increment();
				case Level.DEBUG_INT -> this.debug.increment();
				case Level.TRACE_INT -> this.trace.increment();
				default -> {
				}
			}
		}
	}

	/** Counts each event it is handed into every bound registry's counters. */
	private static final class CountingAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

		private volatile List<Counters> registries = List.of();

		synchronized void add(Counters counters) {
			this.registries = Stream.concat(this.registries.stream(), Stream.of(counters)).toList();
		}

		@Override
		protected void append(ILoggingEvent event) {
			for (Counters counters : this.registries) {
				counters.count(event.getLevel());
			}
		}
	}
}
