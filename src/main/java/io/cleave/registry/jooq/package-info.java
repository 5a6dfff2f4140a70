/**
 * The embedded registry store: etcd's revisioned key-value model, leases and history in the module's own tables,
 * through jOOQ, on H2 or PostgreSQL.
 */
@NullMarked
package io.cleave.registry.jooq;

import org.jspecify.annotations.NullMarked;
