package io.cleave.registry.grpc.server;

import java.io.ByteArrayInputStream;
import java.io.InputStream;

import org.jspecify.annotations.Nullable;

import io.grpc.HandlerRegistry;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;

/**
 * Answers every call to a service the etcd API does not serve (Cluster, Auth, the v3election and v3lock
 * services…) with {@code UNIMPLEMENTED} and what Cleave offers instead, rather than gRPC's bare "method not found".
 */
final class UnsupportedServices extends HandlerRegistry {

	static final String SERVED = "Cleave's etcd API serves KV, Watch, Lease and Maintenance (Status, Hash, HashKV, Alarm)";

	@Override
	public @Nullable ServerMethodDefinition<?, ?> lookupMethod(String methodName, @Nullable String authority) {
		MethodDescriptor<InputStream, InputStream> method = MethodDescriptor.<InputStream, InputStream>newBuilder()
				.setType(MethodDescriptor.MethodType.UNKNOWN)
				.setFullMethodName(methodName)
				.setRequestMarshaller(Unread.INSTANCE)
				.setResponseMarshaller(Unread.INSTANCE)
				.build();
		ServerCallHandler<InputStream, InputStream> handler = (call, headers) -> {
			call.close(Status.UNIMPLEMENTED.withDescription(message(methodName)), new Metadata());
			return new ServerCall.Listener<>() {
			};
		};
		return ServerMethodDefinition.create(method, handler);
	}

	static String message(String methodName) {
		String service = MethodDescriptor.extractFullServiceName(methodName);
		String instead = switch (service == null ? "" : service) {
			case "etcdserverpb.Cluster" -> "membership is fixed: each node is the one member of its own etcd API";
			case "etcdserverpb.Auth" -> "it has no users or roles; secure it with TLS client certificates "
					+ "(cleave.registry.etcd-api.tls.*)";
			case "v3electionpb.Election", "v3lockpb.Lock" -> "build elections and locks from leases and "
					+ "transactions on KV, as etcd's client concurrency package does";
			default -> "nothing else";
		};
		return "etcdserver: " + methodName + " is not supported; " + SERVED + ": " + instead;
	}

	/** Never asked to parse: the call is closed before any message is read. */
	private enum Unread implements MethodDescriptor.Marshaller<InputStream> {

		INSTANCE;

		@Override
		public InputStream stream(InputStream value) {
			return value;
		}

		@Override
		public InputStream parse(InputStream stream) {
			return new ByteArrayInputStream(new byte[0]);
		}
	}
}
