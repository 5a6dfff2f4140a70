/** The {@code DB} service's storage: one table of the module's own, through jOOQ. */
@NullMarked
package io.cleave.kv.jooq;

import org.jspecify.annotations.NullMarked;
