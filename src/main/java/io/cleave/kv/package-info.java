/**
 * KV: goms' DB/Query example done right — an RPC service {@code DB} that stores values by key in the module's own
 * table, with a typed error for a missing key.
 */
@ApplicationModule(displayName = "KV", allowedDependencies = { "rpc", "status" })
@NullMarked
package io.cleave.kv;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
