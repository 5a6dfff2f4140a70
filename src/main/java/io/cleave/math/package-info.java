/**
 * Math: go-nano's example services as pattern handlers — is a number positive, the sum of two numbers, and the more
 * specific integer sum, which floors its operands and asks the general sum through the bus.
 */
@ApplicationModule(displayName = "Math", allowedDependencies = { "messaging", "status" })
@NullMarked
package io.cleave.math;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
