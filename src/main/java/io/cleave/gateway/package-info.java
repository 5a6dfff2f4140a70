/**
 * Gateway: the HTTP edge that turns requests into RPC calls and pattern messages, with authentication, limits and problem+json errors.
 */
@ApplicationModule(displayName = "Gateway", allowedDependencies = { "rpc", "messaging", "registry", "status" })
@NullMarked
package io.cleave.gateway;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
