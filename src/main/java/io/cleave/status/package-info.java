/**
 * Status: the one error vocabulary every transport speaks — gRPC's status codes, each with its HTTP status — and the
 * base type of the business exceptions that carry one.
 * <p>
 * A tiny module of its own so that the registry, messaging, RPC and the gateway can all use it without depending on
 * each other: it depends on nothing and holds no beans.
 */
@ApplicationModule(displayName = "Status", allowedDependencies = {})
@NullMarked
package io.cleave.status;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
