package io.cleave.rpc.grpc;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.google.protobuf.Descriptors;
import io.cleave.rpc.endpoint.MethodDescriptor;
import io.cleave.rpc.endpoint.ServiceDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import io.grpc.protobuf.ProtoServiceDescriptorSupplier;
import io.grpc.ServiceDescriptor.Builder;
import org.jspecify.annotations.Nullable;

/**
 * The gRPC form of every RPC service: its derived protobuf schema and a gRPC method descriptor per method, whose
 * schema descriptors let server reflection hand the {@code .proto} to generic clients.
 */
final class GrpcMethods {

	private final Map<String, ProtoSchema> schemas = new LinkedHashMap<>();

	private final Map<MethodDescriptor, io.grpc.MethodDescriptor<Object, Object>> methods = new HashMap<>();

	private final Map<String, io.grpc.ServiceDescriptor> services = new HashMap<>();

	GrpcMethods(List<ServiceDescriptor> declared) {
		for (ServiceDescriptor service : declared) {
			ProtoSchema schema = ProtoSchema.derive(service.name(), service.methods().stream()
					.map(method -> new ProtoSchema.MethodShape(method.name(), method.requestType(), method.responseType()))
					.toList());
			schemas.put(service.name(), schema);
			Builder grpcService = io.grpc.ServiceDescriptor.newBuilder(schema.fullServiceName())
					.setSchemaDescriptor(new Schema(schema, null));
			for (MethodDescriptor method : service.methods()) {
				io.grpc.MethodDescriptor<Object, Object> grpcMethod = io.grpc.MethodDescriptor.newBuilder(
						new RecordMarshaller(schema.codec(method.requestType())),
						new RecordMarshaller(schema.codec(method.responseType())))
						.setType(MethodType.UNARY)
						.setFullMethodName(io.grpc.MethodDescriptor.generateFullMethodName(schema.fullServiceName(),
								method.name()))
						.setIdempotent(method.idempotent())
						.setSampledToLocalTracing(true)
						.setSchemaDescriptor(new Schema(schema, method.name()))
						.build();
				methods.put(method, grpcMethod);
				grpcService.addMethod(grpcMethod);
			}
			services.put(service.name(), grpcService.build());
		}
	}

	/** Schemas by service name, in the catalog's order. */
	Map<String, ProtoSchema> schemas() {
		return schemas;
	}

	io.grpc.MethodDescriptor<Object, Object> grpc(MethodDescriptor method) {
		io.grpc.MethodDescriptor<Object, Object> grpcMethod = methods.get(method);
		if (grpcMethod == null) {
			throw new IllegalArgumentException(method + " is not a method of a known RPC service");
		}
		return grpcMethod;
	}

	io.grpc.ServiceDescriptor grpc(ServiceDescriptor service) {
		return services.get(service.name());
	}

	/** What reflection reads off a service or method descriptor to find its {@code .proto}. */
	private record Schema(ProtoSchema schema, @Nullable String methodName)
			implements ProtoServiceDescriptorSupplier, ProtoMethodDescriptorSupplier {

		@Override
		public Descriptors.FileDescriptor getFileDescriptor() {
			return schema.file();
		}

		@Override
		public Descriptors.ServiceDescriptor getServiceDescriptor() {
			return schema.serviceDescriptor();
		}

		@Override
		public Descriptors.MethodDescriptor getMethodDescriptor() {
			return schema.serviceDescriptor().findMethodByName(Objects.requireNonNull(methodName));
		}
	}
}
