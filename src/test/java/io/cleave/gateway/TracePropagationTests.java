package io.cleave.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;

import fixtures.tracing.TraceRecorder;
import fixtures.tracing.TracingProbes;

import io.cleave.messaging.MessageBus;
import io.cleave.messaging.Registration;
import io.cleave.registry.ServiceRegistry;
import io.cleave.testing.CapturedLog;
import io.cleave.testing.CleaveNode;
import io.cleave.testing.CleaveProcess;
import io.cleave.testing.FreshDataDirectory;
import io.cleave.testing.TestCallers;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;
import org.springframework.web.client.RestClient;

/**
 * One trace from the HTTP edge to everything a request sets off: an edge node serving HTTP calls its RPC handler in
 * process, which calls a service of a second node over gRPC and sends a message whose handler runs after the
 * outbox; {@code /act} handlers too. Every one of them, and the access log line, sees the caller's trace id; outgoing
 * HTTP made with Boot's {@code RestClient.Builder} (what proxy routes use) carries it on.
 */
class TracePropagationTests {

	private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

	private static final String TRACEPARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static final List<Path> directories = new ArrayList<>();

	private static CleaveNode callee;

	private static CleaveNode edge;

	private static CapturedLog accessLog;

	private static final List<Registration> handlers = new ArrayList<>();

	@BeforeAll
	static void startTwoNodes() {
		int etcdPort = CleaveProcess.freePort();
		callee = CleaveNode.start("trace-callee", List.of(), List.of(TracingProbes.class),
				"cleave.data-dir=" + directory(), "cleave.registry.etcd-api.port=" + etcdPort,
				"cleave.transport.rpc=grpc", "cleave.rpc.grpc.port=0", "spring.main.web-application-type=none");
		edge = CleaveNode.start("trace-edge", List.of(), List.of(TracingProbes.class),
				"cleave.data-dir=" + directory(), "cleave.registry.endpoints=http://127.0.0.1:" + etcdPort,
				"cleave.transport.rpc=grpc", "cleave.rpc.grpc.port=0",
				"cleave.node.modules=kv,fixtures.tracing.edge");
		MessageBus bus = edge.bean(MessageBus.class);
		handlers.add(bus.handle("role:trace-test,cmd:sent", message -> {
			TraceRecorder.record("message handler after the outbox");
			return null;
		}));
		handlers.add(bus.handle("role:trace-test,cmd:act", message -> {
			TraceRecorder.record("act handler");
			return Map.of("ok", true);
		}));
		accessLog = CapturedLog.of("io.cleave.gateway.access");
		await().atMost(Duration.ofSeconds(10))
				.until(() -> edge.bean(ServiceRegistry.class).instances("rpc-remote-probe").size() == 1);
	}

	@AfterAll
	static void stopNodes() {
		handlers.forEach(Registration::close);
		if (accessLog != null) {
			accessLog.close();
		}
		if (edge != null) {
			edge.close();
		}
		if (callee != null) {
			callee.close();
		}
		directories.forEach(directory -> FileSystemUtils.deleteRecursively(directory.toFile()));
	}

	@BeforeEach
	void forgetEarlierTraces() {
		TraceRecorder.clear();
	}

	@Test
	void anRpcCallItsGrpcCalleeAndAMessageSentThroughTheOutboxAllRunInTheCallersTrace() throws Exception {
		HttpResponse<String> response = post("/api/EdgeProbe/Look", "{\"message\":\"sent\"}");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("{\"remote\":\"trace-callee\"}");
		await().atMost(Duration.ofSeconds(10)).until(() -> TraceRecorder.seen().size() == 3);
		assertThat(TraceRecorder.seen()).containsOnlyKeys("edge rpc handler", "remote rpc handler on trace-callee",
				"message handler after the outbox").allSatisfy((where, traceId) -> assertThat(traceId)
						.as(where).isEqualTo(TRACE_ID));
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(accessLog.keyValues(
				line -> "/api/EdgeProbe/Look".equals(line.get("path"))))
				.singleElement()
				.satisfies(line -> assertThat(line).containsEntry("trace_id", TRACE_ID)
						.containsEntry("status", "200")));
	}

	@Test
	void anActHandlerRunsInTheCallersTrace() throws Exception {
		HttpResponse<String> response = post("/act", "{\"role\":\"trace-test\",\"cmd\":\"act\"}");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(TraceRecorder.seen()).containsExactly(Map.entry("act handler", TRACE_ID));
	}

	@Test
	void outgoingHttpFromBootsRestClientCarriesTheTrace() throws Exception {
		BlockingQueue<String> received = new LinkedBlockingQueue<>();
		HttpServer upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		upstream.createContext("/", exchange -> {
			received.add(String.valueOf(exchange.getRequestHeaders().getFirst("traceparent")));
			exchange.sendResponseHeaders(204, -1);
			exchange.close();
		});
		upstream.start();
		try {
			RestClient client = edge.bean(RestClient.Builder.class).build();
			ReceiverContext<Map<String, String>> request = new ReceiverContext<>(Map::get, Kind.SERVER);
			request.setCarrier(Map.of("traceparent", TRACEPARENT)); // as the edge receives a request
			Observation.createNotStarted("test.request", () -> request, edge.bean(ObservationRegistry.class))
					.observe(() -> client.get()
							.uri("http://127.0.0.1:" + upstream.getAddress().getPort() + "/upstream")
							.retrieve()
							.toBodilessEntity());

			assertThat(received.poll(5, TimeUnit.SECONDS)).startsWith("00-" + TRACE_ID + "-");
		}
		finally {
			upstream.stop(0);
		}
	}

	private static HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
		String port = edge.context().getEnvironment().getRequiredProperty("local.server.port");
		return HTTP.send(TestCallers.asUser(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)))
				.header("Content-Type", "application/json")
				.header("traceparent", TRACEPARENT)
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static String directory() {
		Path directory = FreshDataDirectory.create("cleave-trace-");
		directories.add(directory);
		return directory.toString();
	}
}
