/**
 * Proxy routes on Spring Cloud Gateway server WebMVC: {@code lb://<service>} URIs resolved from Cleave's registry, a
 * circuit breaker and a deadline for every upstream call, failures as problem details.
 */
@NullMarked
package io.cleave.gateway.proxy;

import org.jspecify.annotations.NullMarked;
