package io.cleave.registry;

/**
 * A granted or kept-alive lease.
 *
 * @param id the lease's id, never 0
 * @param ttl its time to live in seconds: as granted, or what remains after a keep-alive
 */
public record Lease(long id, long ttl) {
}
