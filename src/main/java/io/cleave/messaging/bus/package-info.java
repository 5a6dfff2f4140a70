/**
 * The message bus: handlers and their durable queues on Spring Integration channels, the relay from the outbox to the
 * transport, retries and dead letters, and the SPIs its stores implement.
 */
@NullMarked
package io.cleave.messaging.bus;

import org.jspecify.annotations.NullMarked;
