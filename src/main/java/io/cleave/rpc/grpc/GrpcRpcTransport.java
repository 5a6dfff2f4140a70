package io.cleave.rpc.grpc;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.cleave.rpc.CallContext;
import io.cleave.rpc.endpoint.MethodDescriptor;
import io.cleave.rpc.endpoint.RpcTransport;
import io.cleave.status.Status;
import io.cleave.status.StatusException;
import io.grpc.CallOptions;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;

/**
 * Carries calls to services hosted on other nodes over gRPC: picks an instance ({@link RemoteInstances}), sends the
 * request as protobuf with the call's remaining time as the gRPC deadline and the caller and trace context as
 * headers, and turns a failure back into the exception the callee threw. Methods marked {@code @Idempotent} are
 * retried on another instance when one is unavailable, up to {@code cleave.rpc.max-attempts} and within the
 * deadline; others are tried once.
 */
final class GrpcRpcTransport implements RpcTransport {

	private final GrpcMethods methods;

	private final RemoteInstances instances;

	private final int maxAttempts;

	GrpcRpcTransport(GrpcMethods methods, RemoteInstances instances, int maxAttempts) {
		this.methods = methods;
		this.instances = instances;
		this.maxAttempts = maxAttempts;
	}

	@Override
	public Object invoke(MethodDescriptor method, Object request, CallContext context) {
		io.grpc.MethodDescriptor<Object, Object> grpcMethod = methods.grpc(method);
		int attempts = method.idempotent() ? maxAttempts : 1;
		Set<String> tried = Set.of();
		StatusException failure = null;
		for (int attempt = 1; attempt <= attempts; attempt++) {
			long remaining = context.deadline().remainingNanos();
			if (remaining <= 0) {
				throw failure != null ? failure : deadlineExceeded(method);
			}
			RemoteInstances.Remote remote;
			try {
				remote = instances.pick(method.service(), tried);
			}
			catch (StatusException none) {
				throw failure != null ? failure : none;
			}
			try {
				return call(remote, grpcMethod, request, context, remaining);
			}
			catch (StatusRuntimeException status) {
				failure = GrpcCalls.toException(status, method.method().getDeclaringClass().getClassLoader(),
						method.fullName() + " on " + remote.instance.id());
				if (status.getStatus().getCode() != io.grpc.Status.Code.UNAVAILABLE) {
					throw failure;
				}
				tried = with(tried, remote.instance.id());
			}
		}
		throw failure != null ? failure : deadlineExceeded(method);
	}

	private Object call(RemoteInstances.Remote remote, io.grpc.MethodDescriptor<Object, Object> grpcMethod,
			Object request, CallContext context, long remainingNanos) {
		long start = System.nanoTime();
		remote.outstanding.incrementAndGet();
		try {
			Object response = ClientCalls.blockingUnaryCall(remote.channel(), grpcMethod, CallOptions.DEFAULT
					.withDeadlineAfter(remainingNanos, TimeUnit.NANOSECONDS)
					.withOption(GrpcCalls.HEADERS, GrpcCalls.headers(context)), request);
			remote.breaker().onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
			return response;
		}
		catch (StatusRuntimeException failure) {
			remote.breaker().onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, failure);
			throw failure;
		}
		catch (RuntimeException | Error failure) {
			remote.breaker().releasePermission();
			throw failure;
		}
		finally {
			remote.outstanding.decrementAndGet();
		}
	}

	private static StatusException deadlineExceeded(MethodDescriptor method) {
		return new StatusException(Status.DEADLINE_EXCEEDED, method.fullName() + ": the deadline passed before the call"
				+ " could be sent");
	}

	private static Set<String> with(Set<String> tried, String id) {
		Set<String> more = new HashSet<>(tried);
		more.add(id);
		return more;
	}
}
