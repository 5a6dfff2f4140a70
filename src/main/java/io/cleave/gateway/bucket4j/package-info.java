/**
 * Rate limits per client identity and route, as Bucket4j token buckets kept in a bounded Caffeine cache.
 */
@NullMarked
package io.cleave.gateway.bucket4j;

import org.jspecify.annotations.NullMarked;
