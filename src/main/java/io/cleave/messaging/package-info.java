/**
 * Messaging: pattern-routed messages (act, send, publish) delivered to the most specific registered pattern, in this JVM or over a broker.
 */
@ApplicationModule(displayName = "Messaging", allowedDependencies = { "registry", "status" })
@NullMarked
package io.cleave.messaging;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
