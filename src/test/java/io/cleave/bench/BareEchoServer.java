package io.cleave.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;

/**
 * The RPC benchmark's ceiling: a bare grpc-java server that echoes raw bytes (no protobuf parsing, no Cleave), on
 * the same Netty transport and virtual-thread executor as Cleave's RPC server. {@code java … BareEchoServer <port>}.
 */
final class BareEchoServer {

	static final MethodDescriptor<byte[], byte[]> ECHO = MethodDescriptor.<byte[], byte[]>newBuilder()
			.setType(MethodDescriptor.MethodType.UNARY)
			.setFullMethodName("bench.Bare/Echo")
			.setRequestMarshaller(Bytes.INSTANCE)
			.setResponseMarshaller(Bytes.INSTANCE)
			.build();

	private BareEchoServer() {
	}

	public static void main(String[] args) throws Exception {
		Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])))
				.executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor())
				.addService(ServerServiceDefinition.builder("bench.Bare")
						.addMethod(ECHO, ServerCalls.asyncUnaryCall((request, response) -> {
							response.onNext(request);
							response.onCompleted();
						}))
						.build())
				.build().start();
		System.out.println("bare echo listening on " + server.getPort());
		server.awaitTermination();
	}

	/** Bytes as they are. */
	enum Bytes implements MethodDescriptor.Marshaller<byte[]> {
		INSTANCE;

		@Override
		public InputStream stream(byte[] value) {
			return new ByteArrayInputStream(value);
		}

		@Override
		public byte[] parse(InputStream stream) {
			try {
				return stream.readAllBytes();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
	}
}
