/**
 * The registry's machinery behind its API that needs no database: the watch hub that fans store changes out to
 * watchers, the conditions choosing between the embedded store and an external etcd, the request limits every
 * entrance checks, and what the store reports to etcd's Maintenance service.
 */
@NullMarked
package io.cleave.registry.internal;

import org.jspecify.annotations.NullMarked;
