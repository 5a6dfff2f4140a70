/**
 * Registry: a durable, revisioned key-value store with leases and watch on etcd's data model, and the service discovery built on it.
 */
@ApplicationModule(displayName = "Registry", allowedDependencies = { "status" })
@NullMarked
package io.cleave.registry;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
