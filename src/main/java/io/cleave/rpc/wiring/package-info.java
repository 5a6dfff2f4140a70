/**
 * RPC in a Spring application: finds the {@code @RpcService} interfaces, registers a client proxy for each as the
 * bean other modules inject, binds hosted services to their implementations, and calls by name with JSON.
 */
@NullMarked
package io.cleave.rpc.wiring;

import org.jspecify.annotations.NullMarked;
