/**
 * The registry's client of an external etcd cluster: its {@code KeyValueStore}, {@code Leases} and {@code Watches}
 * over etcd's v3 gRPC API, in use when {@code cleave.registry.endpoints} names the cluster.
 */
@NullMarked
package io.cleave.registry.grpc.client;

import org.jspecify.annotations.NullMarked;
