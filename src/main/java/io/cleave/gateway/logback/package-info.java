/**
 * The node's own Logback appenders: the access log's console lines, buffered and flushed every second, and the
 * {@code logback.events} counts.
 */
@NullMarked
package io.cleave.gateway.logback;

import org.jspecify.annotations.NullMarked;
