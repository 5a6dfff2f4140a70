package io.cleave.rpc.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.DynamicMessage;
import io.cleave.registry.ServiceRegistry;
import io.cleave.rpc.CallContext;
import io.cleave.rpc.Deadline;
import io.cleave.rpc.contract.ContractService;
import io.cleave.rpc.contract.ContractService.Echo;
import io.cleave.rpc.contract.ContractService.Sleep;
import io.cleave.rpc.contract.ContractService.Slept;
import io.cleave.rpc.contract.RpcContract;
import io.cleave.rpc.endpoint.RpcTransport;
import io.cleave.rpc.endpoint.ServiceCatalog;
import io.cleave.status.StatusException;
import io.cleave.testing.CleaveNode;
import io.cleave.testing.CleaveProcess;
import io.cleave.testing.TestCallers;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;

/**
 * The RPC contract over gRPC between two application contexts: a server node hosting every module (and the registry,
 * with its etcd API) and a client node hosting none of the contract service's, finding it through the registry. Also
 * what a generic gRPC client can do without Cleave code (reflection, health, {@code .proto} export), and what happens
 * when an instance goes away while calls to it are under way.
 */
class GrpcRpcContractTests extends RpcContract {

	private static final List<Path> directories = new ArrayList<>();

	private static int etcdPort;

	private static CleaveNode server;

	private static CleaveNode client;

	@BeforeAll
	static void startTwoNodes() throws IOException {
		etcdPort = CleaveProcess.freePort();
		server = CleaveNode.start("rpc-server", List.of(), "cleave.data-dir=" + directory(),
				"cleave.registry.etcd-api.port=" + etcdPort, "cleave.transport.rpc=grpc", "cleave.rpc.grpc.port=0");
		client = CleaveNode.start("rpc-client", List.of(), "cleave.data-dir=" + directory(),
				"cleave.registry.endpoints=http://127.0.0.1:" + etcdPort, "cleave.transport.rpc=grpc",
				"cleave.rpc.grpc.port=0", "cleave.node.modules=gateway", "spring.main.web-application-type=none");
		await().atMost(Duration.ofSeconds(10))
				.until(() -> client.bean(ServiceRegistry.class).instances("rpc-contract").size() == 1);
	}

	@AfterAll
	static void stopNodes() {
		if (client != null) {
			client.close();
		}
		if (server != null) {
			server.close();
		}
		directories.forEach(directory -> FileSystemUtils.deleteRecursively(directory.toFile()));
	}

	@Override
	protected ContractService client() {
		return client.bean(ContractService.class);
	}

	@Override
	protected String callerNode() {
		return "rpc-client";
	}

	@Override
	protected int attemptsServed(String key) {
		return attemptsIn(server.context(), key);
	}

	@Override
	protected boolean abandonsCallsAtTheirDeadline() {
		return true;
	}

	@Override
	protected boolean retriesIdempotentCalls() {
		return true;
	}

	// Transport specifics

	@Test
	void traceContextTravelsInTheCallsMetadata() {
		var echo = client.bean(ServiceCatalog.class).method("Contract", "Echo");
		String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
		CallContext context = new CallContext(Deadline.after(Duration.ofSeconds(5)), "someone",
				Map.of("traceparent", traceparent));

		Object echoed = client.bean(RpcTransport.class).invoke(echo, new Echo("t", List.of(), Map.of(), null), context);

		assertThat(echoed).isInstanceOfSatisfying(ContractService.Echoed.class, reply -> {
			assertThat(reply.traceparent()).isEqualTo(traceparent);
			assertThat(reply.caller()).isEqualTo("someone");
		});
	}

	@Test
	void theServiceIsRegisteredWithTheServingNodesInstanceAndItsMethods() {
		assertThat(client.bean(ServiceRegistry.class).instances("rpc-contract")).singleElement().satisfies(instance -> {
			assertThat(instance.id()).isEqualTo("rpc-server");
			assertThat(instance.addresses().get("grpc"))
					.isEqualTo(URI.create("grpc://127.0.0.1:" + server.bean(GrpcServer.class).port()));
			assertThat(instance.metadata()).containsEntry("rpc.service", "Contract")
					.containsEntry("rpc.grpc-service", "cleave.contract.Contract");
			assertThat(instance.metadata().get("rpc.methods").split(","))
					.containsExactlyInAnyOrder("Echo", "Flaky", "FlakyIdempotent", "Refuse", "Sleep");
		});
	}

	// A generic client, without Cleave code

	@Test
	void aGenericClientListsTheServicesFetchesTheirDescriptorsAndCallsAMethodThroughReflection() throws Exception {
		ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.bean(GrpcServer.class).port())
				.usePlaintext().build();
		try {
			List<String> services = reflect(channel, ServerReflectionRequest.newBuilder().setListServices("").build())
					.getListServicesResponse().getServiceList().stream().map(service -> service.getName()).toList();
			assertThat(services).contains("cleave.contract.Contract", "cleave.db.DB", "grpc.health.v1.Health",
					"grpc.reflection.v1.ServerReflection");

			ServerReflectionResponse files = reflect(channel, ServerReflectionRequest.newBuilder()
					.setFileContainingSymbol("cleave.contract.Contract").build());
			ServiceDescriptor contract = build(files).findServiceByName("Contract");
			MethodDescriptor echoMethod = contract.findMethodByName("Echo");
			Descriptor echo = echoMethod.getInputType();
			Descriptor item = echo.findFieldByName("items").getMessageType();
			DynamicMessage request = DynamicMessage.newBuilder(echo)
					.setField(echo.findFieldByName("text"), "generic")
					.addRepeatedField(echo.findFieldByName("items"), DynamicMessage.newBuilder(item)
							.setField(item.findFieldByName("name"), "x")
							.setField(item.findFieldByName("quantity"), 3).build())
					.build();

			DynamicMessage response = ClientCalls.blockingUnaryCall(channel, io.grpc.MethodDescriptor
					.<DynamicMessage, DynamicMessage>newBuilder()
					.setType(io.grpc.MethodDescriptor.MethodType.UNARY)
					.setFullMethodName("cleave.contract.Contract/Echo")
					.setRequestMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(echo)))
					.setResponseMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(echoMethod.getOutputType())))
					.build(), CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), request);

			Descriptor echoed = echoMethod.getOutputType();
			assertThat(response.getField(echoed.findFieldByName("echo"))).isEqualTo(request);
			assertThat(response.getField(echoed.findFieldByName("served_by"))).isEqualTo("rpc-server");
			assertThat(response.getField(echoed.findFieldByName("caller"))).isEqualTo(CallContext.ANONYMOUS);
			assertThat((Long) response.getField(echoed.findFieldByName("deadline_millis"))).isBetween(1L, 5000L);

			HealthCheckResponse health = HealthGrpc.newBlockingStub(channel)
					.check(HealthCheckRequest.newBuilder().setService("cleave.contract.Contract").build());
			assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
		}
		finally {
			channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
		}
	}

	@Test
	void aMessageThatIsNotValidProtobufIsRefusedAsInvalidArgument() throws Exception {
		ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.bean(GrpcServer.class).port())
				.usePlaintext().build();
		io.grpc.MethodDescriptor.Marshaller<byte[]> raw = new io.grpc.MethodDescriptor.Marshaller<>() {
			@Override
			public java.io.InputStream stream(byte[] value) {
				return new java.io.ByteArrayInputStream(value);
			}

			@Override
			public byte[] parse(java.io.InputStream stream) {
				try {
					return stream.readAllBytes();
				}
				catch (IOException ex) {
					throw new java.io.UncheckedIOException(ex);
				}
			}
		};
		try {
			byte[] truncated = { 1 << 3 | 2, 50, 'a' }; // text: 50 bytes announced, one sent
			assertThatExceptionOfType(io.grpc.StatusRuntimeException.class)
					.isThrownBy(() -> ClientCalls.blockingUnaryCall(channel, io.grpc.MethodDescriptor.<byte[], byte[]>newBuilder()
							.setType(io.grpc.MethodDescriptor.MethodType.UNARY)
							.setFullMethodName("cleave.contract.Contract/Echo")
							.setRequestMarshaller(raw).setResponseMarshaller(raw).build(),
							CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), truncated))
					.satisfies(failure -> {
						assertThat(failure.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT);
						assertThat(failure.getStatus().getDescription()).startsWith("malformed Echo message");
					});
		}
		finally {
			channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
		}
	}

	@Test
	void eachServicesProtoFileIsServedOverHttpAndUnknownOnesAreAProblem() throws Exception {
		String base = "http://127.0.0.1:" + server.context().getEnvironment().getProperty("local.server.port");
		try (HttpClient http = HttpClient.newHttpClient()) {
			HttpResponse<String> proto = http.send(TestCallers.asUser(HttpRequest.newBuilder(URI.create(base + "/rpc/proto/Contract.proto")))
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(proto.statusCode()).isEqualTo(200);
			assertThat(proto.body()).contains("syntax = \"proto3\";", "package cleave.contract;",
					"service Contract {", "rpc Echo (Echo) returns (Echoed);", "repeated Item items = 2;",
					"map<string, int64> counts = 3;", "google.protobuf.Timestamp at = 4;");

			HttpResponse<String> unknown = http.send(TestCallers.asUser(HttpRequest.newBuilder(URI.create(base + "/rpc/proto/Nope.proto")))
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(unknown.statusCode()).isEqualTo(404);
			assertThat(unknown.headers().firstValue("content-type")).hasValue("application/problem+json");
			assertThat(unknown.body()).contains("no RPC service 'Nope'");
		}
	}

	// Instances coming and going

	@Test
	void callsSpreadOverInstancesAndAnInstanceThatGoesAwayMidCallFailsOnlyItsNonIdempotentCalls() throws Exception {
		CleaveNode second = CleaveNode.start("rpc-server-b", List.of(), "cleave.data-dir=" + directory(),
				"cleave.registry.endpoints=http://127.0.0.1:" + etcdPort, "cleave.transport.rpc=grpc",
				"cleave.rpc.grpc.port=0", "spring.main.web-application-type=none");
		boolean secondClosed = false;
		ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
		try {
			ServiceRegistry registry = client.bean(ServiceRegistry.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> registry.instances("rpc-contract").size() == 2);
			Set<String> servedBy = new HashSet<>();
			for (int i = 0; i < 20; i++) {
				servedBy.add(client().echo(new Echo("spread", List.of(), Map.of(), null)).servedBy());
			}
			assertThat(servedBy).containsExactlyInAnyOrder("rpc-server", "rpc-server-b");

			// Long calls on both instances (least-outstanding spreads them), idempotent calls in a loop beside them
			List<Future<Slept>> sleeps = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				sleeps.add(callers.submit(() -> Deadline.within(Duration.ofSeconds(20),
						() -> client().sleep(new Sleep(6000)))));
			}
			RemoteInstances remotes = client.bean(RemoteInstances.class);
			await().atMost(Duration.ofSeconds(5)).until(() -> remotes.known().stream()
					.filter(remote -> remote.outstanding.get() > 0).count() == 2);
			AtomicBoolean looping = new AtomicBoolean(true);
			AtomicInteger echoes = new AtomicInteger();
			Future<Integer> echoFailures = callers.submit(() -> {
				int failures = 0;
				while (looping.get()) {
					try {
						client().echo(new Echo("loop", List.of(), Map.of(), null));
						echoes.incrementAndGet();
					}
					catch (StatusException failure) {
						failures++;
					}
				}
				return failures;
			});

			second.close(); // deregisters, then cuts the calls still running after its grace period
			secondClosed = true;

			Map<String, Integer> outcomes = new HashMap<>();
			for (Future<Slept> sleep : sleeps) {
				try {
					outcomes.merge("served by " + sleep.get(30, TimeUnit.SECONDS).servedBy(), 1, Integer::sum);
				}
				catch (java.util.concurrent.ExecutionException failed) {
					assertThat(failed.getCause()).isInstanceOf(StatusException.class);
					outcomes.merge(((StatusException) failed.getCause()).status().name(), 1, Integer::sum);
				}
			}
			assertThat(outcomes).isEqualTo(Map.of("served by rpc-server", 2, "UNAVAILABLE", 2));

			await().atMost(Duration.ofSeconds(5)).until(() -> registry.instances("rpc-contract").size() == 1);
			int before = echoes.get();
			await().atMost(Duration.ofSeconds(5)).until(() -> echoes.get() > before + 10);
			looping.set(false);
			assertThat(echoFailures.get(10, TimeUnit.SECONDS)).as("idempotent calls that failed").isZero();
			for (int i = 0; i < 10; i++) {
				assertThat(client().echo(new Echo("after", List.of(), Map.of(), null)).servedBy()).isEqualTo("rpc-server");
			}
		}
		finally {
			callers.shutdownNow();
			if (!secondClosed) {
				second.close();
			}
		}
	}

	private static ServerReflectionResponse reflect(ManagedChannel channel, ServerReflectionRequest request)
			throws Exception {
		CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
		StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
				.serverReflectionInfo(new StreamObserver<>() {
					@Override
					public void onNext(ServerReflectionResponse response) {
						answer.complete(response);
					}

					@Override
					public void onError(Throwable failure) {
						answer.completeExceptionally(failure);
					}

					@Override
					public void onCompleted() {
					}
				});
		requests.onNext(request);
		ServerReflectionResponse response = answer.get(10, TimeUnit.SECONDS);
		requests.onCompleted();
		return response;
	}

	/** Builds the file the reflection response describes, its dependencies first (they come in the same response). */
	private static FileDescriptor build(ServerReflectionResponse response) throws Exception {
		Map<String, FileDescriptorProto> protos = new HashMap<>();
		for (var bytes : response.getFileDescriptorResponse().getFileDescriptorProtoList()) {
			FileDescriptorProto proto = FileDescriptorProto.parseFrom(bytes);
			protos.put(proto.getName(), proto);
		}
		FileDescriptorProto first = FileDescriptorProto.parseFrom(
				response.getFileDescriptorResponse().getFileDescriptorProto(0));
		return build(first, protos, new HashMap<>());
	}

	private static FileDescriptor build(FileDescriptorProto proto, Map<String, FileDescriptorProto> protos,
			Map<String, FileDescriptor> built) throws Exception {
		FileDescriptor done = built.get(proto.getName());
		if (done != null) {
			return done;
		}
		List<FileDescriptor> dependencies = new ArrayList<>();
		for (String dependency : proto.getDependencyList()) {
			dependencies.add(build(protos.get(dependency), protos, built));
		}
		FileDescriptor file = FileDescriptor.buildFrom(proto, dependencies.toArray(FileDescriptor[]::new));
		built.put(proto.getName(), file);
		return file;
	}

	private static Path directory() throws IOException {
		Path directory = Files.createTempDirectory("rpc-grpc");
		directories.add(directory);
		return directory;
	}
}
