/**
 * The RPC service model every transport shares: service and method descriptors read from the {@code @RpcService}
 * interfaces, the endpoint middleware chain of hosted methods, and the transport SPI.
 */
@NullMarked
package io.cleave.rpc.endpoint;

import org.jspecify.annotations.NullMarked;
