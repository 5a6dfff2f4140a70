package io.cleave;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.cleave.testing.TestCallers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** On shutdown Cleave stops taking new connections, lets the requests it is serving finish, then stops. */
class GracefulShutdownTests {

	private int port;

	@Test
	void finishesTheRequestInFlightAndRefusesNewConnectionsWhileShuttingDown(@TempDir Path dataDir) throws Exception {
		// Its own application, not the test framework's cached one: this test closes it.
		var context = new SpringApplicationBuilder(CleaveApplication.class, SlowEndpoint.class)
				.run("--server.port=0", "--cleave.registry.etcd-api.port=0", "--cleave.data-dir=" + dataDir);
		port = ((WebServerApplicationContext) context).getWebServer().getPort();
		var slow = context.getBean(SlowEndpoint.class);

		var inFlight = HttpClient.newHttpClient()
				.sendAsync(request("/test/slow"), HttpResponse.BodyHandlers.ofString());
		assertThat(slow.entered.await(30, TimeUnit.SECONDS)).as("slow request reached the controller").isTrue();

		var shutdown = CompletableFuture.runAsync(context::close);

		await().atMost(Duration.ofSeconds(20)).until(this::newConnectionsAreRefused);
		assertThat(inFlight).as("the in-flight request is still being served").isNotDone();

		slow.release.countDown();

		var response = inFlight.get(20, TimeUnit.SECONDS);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("finished");
		shutdown.get(30, TimeUnit.SECONDS);
		assertThat(context.isActive()).isFalse();
	}

	private boolean newConnectionsAreRefused() {
		try {
			HttpClient.newHttpClient().send(request("/actuator/health"), HttpResponse.BodyHandlers.discarding());
			return false;
		}
		catch (ConnectException refused) {
			return true;
		}
		catch (IOException | InterruptedException other) {
			return false;
		}
	}

	private HttpRequest request(String path) {
		return TestCallers.asUser(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)))
				.timeout(Duration.ofSeconds(30))
				.build();
	}

	/** A request that takes as long as the test wants. */
	@TestConfiguration(proxyBeanMethods = false)
	@RestController
	static class SlowEndpoint {

		final CountDownLatch entered = new CountDownLatch(1);
		final CountDownLatch release = new CountDownLatch(1);

		@GetMapping("/test/slow")
		String slow() throws InterruptedException {
			entered.countDown();
			return release.await(30, TimeUnit.SECONDS) ? "finished" : "timed out";
		}
	}
}
