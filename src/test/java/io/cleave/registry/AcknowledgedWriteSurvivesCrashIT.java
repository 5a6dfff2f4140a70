package io.cleave.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.ByteString;

import io.cleave.testing.CleaveProcess;
import io.cleave.testing.TestCallers;
import cleave.etcd.api.KVGrpc;
import cleave.etcd.api.PutRequest;
import cleave.etcd.api.RangeRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.FileSystemUtils;

/**
 * What the embedded store has answered as done is on disk: the packaged jar, on its default H2 file, killed with
 * SIGKILL right after acknowledging a registration (a write through the Java API) and a put through its etcd API (a
 * write answered by the group commit without a waiting thread), still has both when it starts again.
 */
class AcknowledgedWriteSurvivesCrashIT {

	@Test
	void aRegistrationAcknowledgedJustBeforeSigkillIsThereAfterRestart(@TempDir Path workDir) throws Exception {
		FileSystemUtils.copyRecursively(Path.of("config"), workDir.resolve("config"));
		int port = CleaveProcess.freePort();
		int etcdPort = CleaveProcess.freePort();
		String[] arguments = {"--cleave.registry.etcd-api.port=" + etcdPort};

		try (CleaveProcess first = CleaveProcess.startUntilUp(workDir, workDir.resolve("first.log"), port, Map.of(),
				arguments)) {
			HttpResponse<String> registered = HttpClient.newHttpClient().send(TestCallers.asOperator(HttpRequest
					.newBuilder(URI.create("http://localhost:" + port + "/registry/services/billing/instances/py-1")))
					.header("Content-Type", "application/json")
					.PUT(HttpRequest.BodyPublishers.ofString("""
							{"addresses": {"http": "http://10.0.0.7:8000"}, "ttlSeconds": 3600}"""))
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(registered.statusCode()).isEqualTo(201);
			long revision = etcdApi(etcdPort, kv -> kv.put(PutRequest.newBuilder()
					.setKey(ByteString.copyFromUtf8("/crash/acknowledged"))
					.setValue(ByteString.copyFromUtf8("before the kill")).build()).getHeader().getRevision());
			assertThat(revision).isPositive();
			first.kill();
		}

		try (CleaveProcess second = CleaveProcess.startUntilUp(workDir, workDir.resolve("second.log"), port, Map.of(),
				arguments)) {
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
					second.get("/registry/services/billing").body()).contains("\"id\":\"py-1\""));
			String value = etcdApi(etcdPort, kv -> kv.range(RangeRequest.newBuilder()
					.setKey(ByteString.copyFromUtf8("/crash/acknowledged")).build()).getKvs(0).getValue().toStringUtf8());
			assertThat(value).isEqualTo("before the kill");
		}
	}

	private static <T> T etcdApi(int port, java.util.function.Function<KVGrpc.KVBlockingStub, T> call)
			throws InterruptedException {
		ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create())
				.build();
		try {
			return call.apply(KVGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS));
		}
		finally {
			channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
		}
	}
}
