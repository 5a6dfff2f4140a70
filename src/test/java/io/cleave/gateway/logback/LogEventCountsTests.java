package io.cleave.gateway.logback;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code logback.events}: the events that made it to the logs, by level, counted without a TurboFilter. */
class LogEventCountsTests {

	private final LoggerContext context = new LoggerContext();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final LogEventCounts counts = new LogEventCounts(context);

	@AfterEach
	void close() {
		counts.close();
		context.stop();
	}

	@Test
	void countsTheEventsWrittenByLevelAndNotTheLevelChecks() {
		counts.bindTo(meters);
		Logger logger = context.getLogger("some.component");
		logger.setLevel(Level.INFO);

		logger.error("e");
		logger.warn("w");
		logger.warn("w");
		logger.info("i");
		logger.debug("below the logger's level");
		logger.isTraceEnabled();

		assertThat(count("error")).isEqualTo(1);
		assertThat(count("warn")).isEqualTo(2);
		assertThat(count("info")).isEqualTo(1);
		assertThat(count("debug")).isZero();
		assertThat(count("trace")).isZero();
		assertThat(context.getTurboFilterList()).isEmpty();
	}

	@Test
	void countsEventsOfALoggerThatTookTheRootsAppendersAsBufferedAccessLogDoes() {
		counts.bindTo(meters);
		Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
		Logger access = context.getLogger(BufferedAccessLog.ACCESS_LOGGER);
		root.iteratorForAppenders().forEachRemaining(access::addAppender);
		access.setAdditive(false);

		access.info("method=GET route=/x status=200");

		assertThat(count("info")).isEqualTo(1);
	}

	@Test
	void stopsCountingOnceClosed() {
		counts.bindTo(meters);
		counts.close();

		context.getLogger("some.component").error("after close");

		assertThat(count("error")).isZero();
	}

	private double count(String level) {
		return meters.get("logback.events").tag("level", level).counter().count();
	}
}
