package io.cleave.testing;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/** What one logger writes while a test runs, kept in memory. Close it to detach. */
public final class CapturedLog implements AutoCloseable {

	private final Logger logger;

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private CapturedLog(String name) {
		this.logger = (Logger) LoggerFactory.getLogger(name);
		appender.setName("captured-" + name);
		appender.start();
		logger.addAppender(appender);
	}

	/** Starts capturing the logger called {@code name}. */
	public static CapturedLog of(String name) {
		return new CapturedLog(name);
	}

	/** The events logged so far. */
	public List<ILoggingEvent> events() {
		synchronized (appender.list) {
			return List.copyOf(appender.list);
		}
	}

	/** The key-value pairs of the events logged so far that {@code matching} accepts. */
	public List<Map<String, String>> keyValues(Predicate<Map<String, String>> matching) {
		return events().stream()
				.map(CapturedLog::keyValues)
				.filter(matching)
				.toList();
	}

	/** An event's key-value pairs, values as text. */
	public static Map<String, String> keyValues(ILoggingEvent event) {
		List<KeyValuePair> pairs = event.getKeyValuePairs() == null ? List.of() : event.getKeyValuePairs();
		return pairs.stream().collect(Collectors.toMap(pair -> pair.key, pair -> String.valueOf(pair.value),
				(first, second) -> second));
	}

	@Override
	public void close() {
		logger.detachAppender(appender);
		appender.stop();
	}
}
