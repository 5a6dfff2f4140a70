/**
 * The registry's REST API under {@code /registry}: services and their instances, registration for services that are
 * not Cleave nodes, lease keep-alive, and a read-only browser of the key-value store.
 */
@NullMarked
package io.cleave.registry.web;

import org.jspecify.annotations.NullMarked;
