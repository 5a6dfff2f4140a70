/**
 * The in-process messaging transport: every queue is consumed in this JVM.
 */
@NullMarked
package io.cleave.messaging.inproc;

import org.jspecify.annotations.NullMarked;
