package io.cleave.gateway.logback;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.util.CachingDateFormatter;

/**
 * Boot's console line for the access logger without the pattern machinery: time, level, process id, thread, logger
 * and message, unpadded and uncoloured. Boot's pattern parses nothing per line either, but pads and abbreviates the
 * logger name, colours each part and looks up the trace ids, which the access line already carries.
 */
final class AccessLineLayout extends LayoutBase<ILoggingEvent> {

	private final CachingDateFormatter time = new CachingDateFormatter("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");

	private final String pid = String.valueOf(ProcessHandle.current().pid());

	@Override
	public String doLayout(ILoggingEvent event) {
		String message = event.getFormattedMessage();
		StringBuilder line = new StringBuilder(96 + message.length())
				.append(time.format(event.getTimeStamp()))
				.append(' ')
				.append(event.getLevel().toString())
				.append(' ')
				.append(pid)
				.append(" --- [")
				.append(event.getThreadName())
				.append("] ")
				.append(event.getLoggerName())
				.append(" : ")
				.append(message)
				.append(CoreConstants.LINE_SEPARATOR);
		if (event.getThrowableProxy() != null) { // the access log logs none; another caller of its logger might
			line.append(ThrowableProxyUtil.asString(event.getThrowableProxy())).append(CoreConstants.LINE_SEPARATOR);
		}
		return line.toString();
	}
}
