package io.cleave.registry;

/**
 * An instance disappeared because the lease it was attached to expired or was revoked: its owner stopped keeping it
 * alive, typically because it crashed.
 *
 * @param instance the instance as it was registered
 */
public record ServiceInstanceExpired(ServiceInstance instance) {
}
