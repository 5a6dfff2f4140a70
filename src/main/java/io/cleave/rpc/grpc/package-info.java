/**
 * RPC over gRPC: the server that serves this node's hosted services (with reflection and health), the client transport
 * to services hosted elsewhere, and the protobuf form of the services derived from their records.
 */
@NullMarked
package io.cleave.rpc.grpc;

import org.jspecify.annotations.NullMarked;
