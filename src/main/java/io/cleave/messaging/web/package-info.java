/**
 * Messaging's REST API under {@code /messaging}: dead letters and queues, for operators.
 */
@NullMarked
package io.cleave.messaging.web;

import org.jspecify.annotations.NullMarked;
