/**
 * The registry's machinery behind its API that needs no database: the watch hub that fans store changes out to
 * watchers, and the conditions choosing between the embedded store and an external etcd.
 */
@NullMarked
package io.cleave.registry.internal;

import org.jspecify.annotations.NullMarked;
