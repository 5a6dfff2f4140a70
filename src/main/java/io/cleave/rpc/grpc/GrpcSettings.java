package io.cleave.rpc.grpc;

import io.cleave.rpc.RpcProperties;
import org.jspecify.annotations.Nullable;

/** What the gRPC server and client need to know about this node beside {@code cleave.rpc.grpc.*}. */
record GrpcSettings(RpcProperties.Grpc grpc, String nodeName, @Nullable String zone, int weight,
		@Nullable String version) {

	String address() {
		return grpc.address();
	}

	int port() {
		return grpc.port();
	}

	String host() {
		return grpc.host();
	}
}
