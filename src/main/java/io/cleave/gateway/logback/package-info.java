/**
 * The access log's own Logback appender: the console's lines, buffered and flushed every second.
 */
@NullMarked
package io.cleave.gateway.logback;

import org.jspecify.annotations.NullMarked;
