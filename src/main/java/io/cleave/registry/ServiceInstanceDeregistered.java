package io.cleave.registry;

/**
 * An instance was deregistered on purpose, by its node shutting down or through the API.
 *
 * @param instance the instance as it was registered
 */
public record ServiceInstanceDeregistered(ServiceInstance instance) {
}
