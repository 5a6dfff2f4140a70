/**
 * The in-process transport: a call to a service hosted on this node is a direct call through its endpoint chain,
 * with no serialization.
 */
@NullMarked
package io.cleave.rpc.inproc;

import org.jspecify.annotations.NullMarked;
