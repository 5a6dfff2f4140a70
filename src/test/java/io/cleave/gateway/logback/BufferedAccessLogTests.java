package io.cleave.gateway.logback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.EchoEncoder;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.read.ListAppender;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The access logger's console lines, buffered: every line arrives, whole, within the flush interval or at shutdown;
 * the root's other appenders still get them; nothing else changes.
 */
class BufferedAccessLogTests {

	private final LoggerContext context = new LoggerContext();

	{
		context.setMDCAdapter(new LogbackMDCAdapter()); // as Boot's context has: events copy the MDC
	}

	private final Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

	private final Logger access = context.getLogger(BufferedAccessLog.ACCESS_LOGGER);

	private final ByteArrayOutputStream console = new SynchronizedBytes();

	private final ByteArrayOutputStream stdout = new SynchronizedBytes();

	private BufferedAccessLog buffered;

	@AfterEach
	void stop() {
		if (buffered != null) {
			buffered.destroy();
		}
		context.stop();
	}

	@Test
	void writesEveryAccessLineWithinTheFlushIntervalAndLeavesOtherLoggersAlone() {
		bootConsole(pattern("%msg%n"));
		start();

		for (int i = 0; i < 1000; i++) {
			access.info("method=POST route=/api/{service}/{method} status=200 n={}", i);
		}
		context.getLogger("io.cleave.kv").info("not an access line");

		assertThat(text(console)).isEqualTo("not an access line\n");
		await().atMost(Duration.ofSeconds(5)).until(() -> lines(stdout).size() == 1000);
		List<String> lines = lines(stdout);
		for (int i = 0; i < 1000; i++) {
			assertThat(lines.get(i)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) INFO \\d+ "
					+ "--- \\[[^\\]]*\\] io\\.cleave\\.gateway\\.access : method=POST route=/api/\\{service\\}/\\{method\\} "
					+ "status=200 n=" + i);
		}
	}

	@Test
	void writesWhatIsStillBufferedWhenTheNodeStopsAndHandsTheLoggerBack() {
		bootConsole(pattern("%msg%n"));
		start();
		access.info("the last request");

		buffered.destroy();
		buffered = null;

		assertThat(lines(stdout)).singleElement().asString().endsWith(" : the last request");
		access.info("after the stop");
		assertThat(text(console)).isEqualTo("after the stop\n");
		assertThat(access.isAdditive()).isTrue();
	}

	@Test
	void keepsAStructuredConsoleFormatAndTheConsolesThreshold() {
		EchoEncoder<ILoggingEvent> structured = new EchoEncoder<>(); // stands for Boot's structured encoders
		ConsoleAppender<ILoggingEvent> appender = bootConsole(structured);
		ThresholdFilter threshold = new ThresholdFilter();
		threshold.setLevel(Level.WARN.toString());
		threshold.start();
		appender.addFilter(threshold);
		start();

		access.info("below the threshold");
		access.warn("{\"event\":\"access\"}");
		buffered.destroy();
		buffered = null;

		assertThat(text(stdout)).isEqualTo("[WARN] {\"event\":\"access\"}" + System.lineSeparator());
	}

	@Test
	void theRootsOtherAppendersStillGetEveryAccessLine() {
		bootConsole(pattern("%msg%n"));
		ListAppender<ILoggingEvent> file = new ListAppender<>();
		file.setContext(context);
		file.start();
		root.addAppender(file);
		start();

		access.info("to the file too");

		assertThat(file.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("to the file too");
	}

	@Test
	void leavesAnAccessLoggerWithAppendersOfItsOwnAlone() {
		bootConsole(pattern("%msg%n"));
		ListAppender<ILoggingEvent> own = new ListAppender<>();
		own.setContext(context);
		own.start();
		access.addAppender(own);
		start();

		access.info("as configured");

		assertThat(buffered.buffering()).isFalse();
		assertThat(text(console)).isEqualTo("as configured\n");
		assertThat(own.list).hasSize(1);
	}

	@Test
	void leavesLoggingSetUpAnewWhileItRanAsItIs() {
		bootConsole(pattern("%msg%n"));
		start();
		context.reset(); // what Boot's logging system does when another application context starts in this JVM
		bootConsole(pattern("%msg%n"));
		BufferedAccessLog next = new BufferedAccessLog(context, stdout);
		next.afterPropertiesSet();

		buffered.destroy();
		buffered = next;

		assertThat(next.buffering()).isTrue();
		assertThat(access.isAdditive()).isFalse();
		access.info("once");
		next.destroy();
		buffered = null;
		assertThat(lines(stdout)).singleElement().asString().endsWith(" : once");
		assertThat(text(console)).isEmpty();
	}

	@Test
	void leavesLoggingWithoutBootsConsoleAlone() {
		start();

		assertThat(buffered.buffering()).isFalse();
		assertThat(access.isAdditive()).isTrue();
	}

	private void start() {
		buffered = new BufferedAccessLog(context, stdout);
		buffered.afterPropertiesSet();
	}

	private ConsoleAppender<ILoggingEvent> bootConsole(Encoder<ILoggingEvent> encoder) {
		ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
		appender.setContext(context);
		appender.setName(BufferedAccessLog.BOOT_CONSOLE);
		appender.setEncoder(encoder);
		appender.start();
		appender.setOutputStream(console); // after start, which points it at System.out
		root.addAppender(appender);
		root.setLevel(Level.INFO);
		return appender;
	}

	private PatternLayoutEncoder pattern(String pattern) {
		PatternLayoutEncoder encoder = new PatternLayoutEncoder();
		encoder.setContext(context);
		encoder.setPattern(pattern);
		encoder.start();
		return encoder;
	}

	private static String text(ByteArrayOutputStream bytes) {
		return bytes.toString(StandardCharsets.UTF_8);
	}

	private static List<String> lines(ByteArrayOutputStream bytes) {
		return text(bytes).lines().toList();
	}

	/** Written by the appender's thread and the flushing thread, read by the test's. */
	private static final class SynchronizedBytes extends ByteArrayOutputStream {

		@Override
		public synchronized String toString(java.nio.charset.Charset charset) {
			return super.toString(charset);
		}
	}
}
