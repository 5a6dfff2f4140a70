/**
 * RPC: typed request/response calls between modules, direct in one JVM and over gRPC to instances found in the registry when split.
 */
@ApplicationModule(displayName = "RPC", allowedDependencies = { "registry", "status" })
@NullMarked
package io.cleave.rpc;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
