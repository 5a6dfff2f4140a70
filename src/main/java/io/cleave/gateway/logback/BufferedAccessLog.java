package io.cleave.gateway.logback;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.pattern.PatternLayoutBase;

import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;

/**
 * The access logger's console lines written in batches, as gateways do (Envoy flushes its access log every second):
 * Boot's console appender writes and flushes each line on its own, a system call per request. Here the lines go into
 * a bounded buffer (64 KiB, some 300 lines) that is written out when full, every second, and when the node stops.
 * Nothing is dropped: a request whose line does not fit pays for writing the buffer out, as every request used to.
 * Plain-text consoles get {@link AccessLineLayout}; a structured console format (ECS, Logstash, GELF) keeps Boot's
 * encoder, so every line stays in the format the operator chose. The access logger's other destinations (a log file,
 * an operator's own appenders) keep receiving its lines as before.
 *
 * <p>
 * It takes over only Boot's own console appender ({@code CONSOLE} on the root logger), and only while the access
 * logger has no appender of its own and passes its lines to the root: an operator's own Logback setup is left alone.
 */
final class BufferedAccessLog implements InitializingBean, DisposableBean {

	/** The access logger ({@code io.cleave.gateway.web.AccessLog}), which operators route on its own. */
	static final String ACCESS_LOGGER = "io.cleave.gateway.access";

	/** The name Spring Boot gives its console appender. */
	static final String BOOT_CONSOLE = "CONSOLE";

	static final int BUFFER_BYTES = 64 * 1024;

	static final long FLUSH_MILLIS = 1000;

	private final @Nullable LoggerContext context;

	private @Nullable OutputStreamAppender<ILoggingEvent> appender;

	private @Nullable ScheduledExecutorService flusher;

	private final List<Appender<ILoggingEvent>> borrowed = new ArrayList<>();

	private final OutputStream out;

	BufferedAccessLog() {
		this(LoggerFactory.getILoggerFactory() instanceof LoggerContext logback ? logback : null,
				new StandardOutput());
	}

	/** Buffers the access logger of {@code context} (none when null) in front of {@code out}. */
	BufferedAccessLog(@Nullable LoggerContext context, OutputStream out) {
		this.context = context;
		this.out = out;
	}

	/** Whether the access logger's console lines are buffered here (false when the node's logging is not Boot's). */
	boolean buffering() {
		return appender != null;
	}

	@Override
	public void afterPropertiesSet() {
		if (context == null) {
			return;
		}
		Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
		Logger access = context.getLogger(ACCESS_LOGGER);
		if (!(root.getAppender(BOOT_CONSOLE) instanceof ConsoleAppender<ILoggingEvent> console)
				|| !console.isStarted() || access.iteratorForAppenders().hasNext() || !access.isAdditive()) {
			return;
		}
		BufferedOutputStream buffer = new BufferedOutputStream(out, BUFFER_BYTES);
		OutputStreamAppender<ILoggingEvent> buffered = new OutputStreamAppender<>();
		buffered.setContext(context);
		buffered.setName("CLEAVE_ACCESS_CONSOLE");
		buffered.setEncoder(encoder(console.getEncoder()));
		console.getCopyOfAttachedFiltersList().forEach(buffered::addFilter); // logging.threshold.console
		buffered.setImmediateFlush(false);
		buffered.setOutputStream(buffer);
		buffered.start();
		// The root's other appenders (logging.file.name...) still get every line, from the access logger itself.
		root.iteratorForAppenders().forEachRemaining(other -> {
			if (other != console) {
				borrowed.add(other);
			}
		});
		borrowed.forEach(access::addAppender);
		access.addAppender(buffered);
		access.setAdditive(false);
		appender = buffered;
		ScheduledExecutorService flushing = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
				.name("cleave-access-log-flush").daemon().factory());
		flushing.scheduleWithFixedDelay(() -> flush(buffer), FLUSH_MILLIS, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
		flusher = flushing;
	}

	/**
	 * Writes out what the buffer holds. The buffer takes its own lock, so this runs beside the appender's writes; the
	 * appender writes whole lines, so a line is never split.
	 */
	private static void flush(OutputStream buffer) {
		try {
			buffer.flush();
		}
		catch (IOException | RuntimeException ignored) {
			// a closed or broken standard output loses lines with or without the buffer
		}
	}

	/** The plain-text console gets the lean layout; a structured format keeps the console's own encoder. */
	private Encoder<ILoggingEvent> encoder(Encoder<ILoggingEvent> console) {
		if (console instanceof LayoutWrappingEncoder<ILoggingEvent> wrapping
				&& wrapping.getLayout() instanceof PatternLayoutBase<ILoggingEvent>) {
			LayoutWrappingEncoder<ILoggingEvent> lean = new LayoutWrappingEncoder<>();
			lean.setContext(context);
			lean.setCharset(wrapping.getCharset());
			AccessLineLayout layout = new AccessLineLayout();
			layout.setContext(context);
			layout.start();
			lean.setLayout(layout);
			lean.start();
			return lean;
		}
		return console;
	}

	/** Flushes the lines still buffered and hands the access logger back to the root's appenders. */
	@Override
	public void destroy() {
		OutputStreamAppender<ILoggingEvent> buffered = appender;
		if (buffered == null || context == null) {
			return;
		}
		if (flusher != null) {
			flusher.shutdownNow();
		}
		Logger access = context.getLogger(ACCESS_LOGGER);
		// Unless Logback was set up anew meanwhile (another application context in the same JVM resets it, and may
		// have buffered the access logger itself): then its setup stays as it is.
		if (access.detachAppender(buffered)) {
			borrowed.forEach(access::detachAppender);
			access.setAdditive(true);
		}
		borrowed.clear();
		buffered.stop(); // flushes and closes the buffer; standard output itself stays open
		appender = null;
	}

	/** Standard output as the JVM has it when a batch is written (an output capture may have replaced it). */
	private static final class StandardOutput extends OutputStream {

		@Override
		public void write(int b) {
			System.out.write(b);
		}

		@Override
		public void write(byte[] bytes, int offset, int length) {
			System.out.write(bytes, offset, length);
		}

		@Override
		public void flush() {
			System.out.flush();
		}

		@Override
		public void close() {
			flush();
		}
	}
}
