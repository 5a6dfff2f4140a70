package io.cleave.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

/** {@link EtcdProcess} starts a real etcd, restarts it on the same endpoint with its data, and cleans up. */
class EtcdProcessTests {

	@Test
	void restartsOnTheSameEndpointKeepingItsDataAndDeletesItWhenClosed() throws Exception {
		try (EtcdProcess etcd = new EtcdProcess().start()) {
			String endpoint = etcd.endpoint();
			// etcd's JSON gateway (base64 keys and values) is enough to see the data survive; no gRPC needed here.
			post(endpoint + "/v3/kv/put", "{\"key\":\"" + base64("k") + "\",\"value\":\"" + base64("v") + "\"}");

			etcd.stop();
			assertThat(etcd.isRunning()).isFalse();
			etcd.start();

			assertThat(etcd.endpoint()).isEqualTo(endpoint);
			assertThat(post(endpoint + "/v3/kv/range", "{\"key\":\"" + base64("k") + "\"}")).contains(base64("v"));
			assertThatIllegalStateException().isThrownBy(etcd::start).withMessageContaining("already running");
			etcd.close();
			assertThat(etcd.dataDirectory()).doesNotExist();
		}
	}

	private static String post(String url, String json) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create(url))
				.POST(HttpRequest.BodyPublishers.ofString(json))
				.build();
		try (HttpClient http = HttpClient.newHttpClient()) {
			HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
			return response.body();
		}
	}

	private static String base64(String text) {
		return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
	}
}
