/**
 * The transport SPI: what a broker adapter implements to carry pattern messages between nodes.
 */
@NullMarked
package io.cleave.messaging.transport;

import org.jspecify.annotations.NullMarked;
