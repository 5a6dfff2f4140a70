/**
 * etcd's v3 gRPC API (KV, Watch, Lease and Maintenance {@code Status}) served from the embedded store, so that
 * {@code etcdctl} and etcd's client libraries work against a Cleave node.
 */
@NullMarked
package io.cleave.registry.grpc.server;

import org.jspecify.annotations.NullMarked;
