/**
 * Messaging's tables through jOOQ: the outbox that holds queued messages, processed message ids, dead letters and
 * disabled queues.
 */
@NullMarked
package io.cleave.messaging.jooq;

import org.jspecify.annotations.NullMarked;
