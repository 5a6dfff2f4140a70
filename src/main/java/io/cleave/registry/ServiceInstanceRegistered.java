package io.cleave.registry;

/**
 * An instance was registered, or its registration changed.
 *
 * @param instance the instance as registered now
 */
public record ServiceInstanceRegistered(ServiceInstance instance) {
}
