/**
 * The deployment's pattern table: which node serves which pattern on which queue, kept in the registry and cached
 * on every node.
 */
@NullMarked
package io.cleave.messaging.routing;

import org.jspecify.annotations.NullMarked;
