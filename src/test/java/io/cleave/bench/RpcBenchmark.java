package io.cleave.bench;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.cleave.registry.ServiceRegistry;
import io.cleave.rpc.contract.ContractService;
import io.cleave.rpc.contract.ContractService.Echo;
import io.cleave.rpc.contract.ContractService.Item;
import io.cleave.testing.CleaveNode;
import io.cleave.testing.CleaveProcess;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import org.springframework.util.FileSystemUtils;

/**
 * The RPC benchmark in goms' shape (N connections × M calls in flight, unary echo of a ~140-byte request), run
 * against two server processes on loopback in one go: a Cleave node serving the contract service's {@code Echo}
 * over gRPC, and a bare grpc-java byte echo (the ceiling). The Cleave side is called as a module calls it: through
 * the injected interface of a client node in this JVM, which finds the server in the registry and encodes and
 * decodes the typed records on every call. Every call has a 5 s deadline; failures are counted, not hidden.
 */
final class RpcBenchmark {

	private static final Duration DEADLINE = Duration.ofSeconds(5);

	private RpcBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Duration warmUp = Duration.ofSeconds(Long.getLong("bench.warmup", 5));
		Duration measure = Duration.ofSeconds(Long.getLong("bench.duration", 10));
		List<int[]> shapes = Arrays.stream(System.getProperty("bench.shapes", "1x1,10x10").split(","))
				.map(shape -> Arrays.stream(shape.trim().split("x")).mapToInt(Integer::parseInt).toArray()).toList();
		Path out = Path.of(System.getProperty("bench.out", "target/bench/rpc.md"));
		String classpath = System.getProperty("java.class.path");
		String java = ProcessHandle.current().info().command().orElse("java");
		Path work = Files.createTempDirectory("cleave-rpc-bench");
		int etcdPort = CleaveProcess.freePort();
		int grpcPort = CleaveProcess.freePort();
		int barePort = CleaveProcess.freePort();
		List<Process> servers = new ArrayList<>();
		StringBuilder report = new StringBuilder();
		try {
			servers.add(new ProcessBuilder(java, "-cp", classpath, "io.cleave.CleaveApplication",
					"--cleave.node.name=bench-server", "--server.port=0", "--spring.jmx.enabled=false",
					"--cleave.transport.rpc=grpc", "--cleave.rpc.grpc.port=" + grpcPort,
					"--cleave.registry.etcd-api.port=" + etcdPort, "--cleave.data-dir=" + work.resolve("server"),
					"--logging.level.root=WARN")
					.redirectErrorStream(true).redirectOutput(work.resolve("server.log").toFile()).start());
			servers.add(new ProcessBuilder(java, "-cp", classpath, "io.cleave.bench.BareEchoServer",
					String.valueOf(barePort))
					.redirectErrorStream(true).redirectOutput(work.resolve("bare.log").toFile()).start());
			awaitPort(etcdPort, servers.get(0));
			awaitPort(barePort, servers.get(1));

			Echo request = new Echo("x".repeat(98), List.of(new Item("widget-42", 3)), Map.of("views", 12345L),
					Instant.parse("2026-11-29T20:00:00.123456789Z"));
			byte[] barePayload = new byte[140]; // what the request above encodes to (42 + 98 bytes)
			Arrays.fill(barePayload, (byte) 'x');

			report.append("| N × M | server | calls/s | p50 (µs) | p99 (µs) | p99.9 (µs) | errors | Cleave / bare |\n")
					.append("|---|---|---:|---:|---:|---:|---:|---:|\n");
			for (int[] shape : shapes) {
				int connections = shape[0];
				int inFlight = shape[1];
				Result bare;
				List<ManagedChannel> channels = new ArrayList<>();
				for (int i = 0; i < connections; i++) {
					channels.add(NettyChannelBuilder.forAddress("127.0.0.1", barePort).usePlaintext().build());
				}
				try {
					bare = measure(connections * inFlight, warmUp, measure, thread -> ClientCalls.blockingUnaryCall(
							channels.get(thread % connections), BareEchoServer.ECHO,
							CallOptions.DEFAULT.withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS),
							barePayload));
				}
				finally {
					channels.forEach(ManagedChannel::shutdownNow);
				}
				Result cleave;
				try (CleaveNode client = CleaveNode.start("bench-client", List.of(),
						"cleave.data-dir=" + work.resolve("client-" + connections + "x" + inFlight),
						"cleave.registry.endpoints=http://127.0.0.1:" + etcdPort, "cleave.transport.rpc=grpc",
						"cleave.rpc.grpc.port=0", "cleave.node.modules=gateway",
						"cleave.rpc.grpc.connections-per-instance=" + connections,
						"spring.main.web-application-type=none", "logging.level.root=WARN")) {
					ServiceRegistry registry = client.bean(ServiceRegistry.class);
					await().atMost(Duration.ofSeconds(30)).until(() -> !registry.instances("rpc-contract").isEmpty());
					ContractService contract = client.bean(ContractService.class);
					cleave = measure(connections * inFlight, warmUp, measure, thread -> {
						if (!contract.echo(request).echo().text().equals(request.text())) {
							throw new IllegalStateException("wrong answer");
						}
					});
				}
				String label = connections + " × " + inFlight;
				report.append(bare.row(label, "bare grpc-java echo", "")).append(cleave.row(label, "Cleave RPC (gRPC)",
						"%.2f×".formatted(cleave.perSecond() / bare.perSecond())));
			}
		}
		finally {
			servers.forEach(Process::destroy);
			for (Process server : servers) {
				server.waitFor(10, TimeUnit.SECONDS);
			}
			FileSystemUtils.deleteRecursively(work.toFile());
		}
		Files.createDirectories(out.toAbsolutePath().getParent());
		Files.writeString(out, report.toString());
		System.out.print(report);
		System.exit(0);
	}

	/** One call on behalf of client thread {@code thread}; throws when it fails. */
	@FunctionalInterface
	interface Call {
		void run(int thread) throws Exception;
	}

	static Result measure(int threads, Duration warmUp, Duration measure, Call call) throws InterruptedException {
		long[][] samples = new long[threads][];
		int[] counts = new int[threads];
		AtomicLong errors = new AtomicLong();
		long start = System.nanoTime();
		long measureFrom = start + warmUp.toNanos();
		long measureTo = measureFrom + measure.toNanos();
		CountDownLatch done = new CountDownLatch(threads);
		for (int t = 0; t < threads; t++) {
			int thread = t;
			samples[t] = new long[1 << 16];
			Thread.ofPlatform().daemon().start(() -> {
				try {
					long now = System.nanoTime();
					while (now < measureTo) {
						boolean ok = true;
						try {
							call.run(thread);
						}
						catch (Exception failure) {
							ok = false;
						}
						long end = System.nanoTime();
						if (now >= measureFrom) {
							if (!ok) {
								errors.incrementAndGet();
							}
							else {
								if (counts[thread] == samples[thread].length) {
									samples[thread] = Arrays.copyOf(samples[thread], counts[thread] * 2);
								}
								samples[thread][counts[thread]++] = end - now;
							}
						}
						now = end;
					}
				}
				finally {
					done.countDown();
				}
			});
		}
		done.await();
		int total = Arrays.stream(counts).sum();
		long[] all = new long[total];
		int at = 0;
		for (int t = 0; t < threads; t++) {
			System.arraycopy(samples[t], 0, all, at, counts[t]);
			at += counts[t];
		}
		Arrays.sort(all);
		return new Result(total / (measure.toNanos() / 1e9), percentile(all, 0.50), percentile(all, 0.99),
				percentile(all, 0.999), errors.get());
	}

	private static double percentile(long[] sorted, double p) {
		return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e3;
	}

	private static void awaitPort(int port, Process process) throws Exception {
		await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
				.failFast("a benchmark server exited during start", () -> !process.isAlive())
				.until(() -> listens(port));
	}

	private static boolean listens(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
			return true;
		}
		catch (IOException notYet) {
			return false;
		}
	}

	record Result(double perSecond, double p50, double p99, double p999, long errors) {

		String row(String shape, String server, String ratio) {
			return "| %s | %s | %,.0f | %,.0f | %,.0f | %,.0f | %d | %s |%n".formatted(shape, server, perSecond, p50, p99,
					p999, errors, ratio);
		}
	}
}
