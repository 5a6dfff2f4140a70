package io.cleave;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.stereotype.Component;

/**
 * The JDK AOT cache's training run ({@code --cleave.training-run=true}, what {@code bin/cleave} and the Docker build
 * start): once ready, the node asks itself for health until it is UP, then exits.
 * <p>
 * The cache holds the classes a training run loaded and the methods it profiled. Spring's
 * {@code spring.context.exit=onRefresh} stops before any lifecycle bean starts, so the cache then lacked what the path
 * to a ready node runs after the refresh — Tomcat and the first request, Netty and the etcd API, the registration,
 * the health endpoint — about 2,600 classes loaded and verified from the jars on every start.
 */
@Component
@ConditionalOnBooleanProperty("cleave.training-run")
class TrainingRun implements ApplicationListener<ApplicationReadyEvent> {

	private static final Logger log = LoggerFactory.getLogger(TrainingRun.class);

	/** How long the node may take to report UP; past it, the run ends anyway (the cache is still valid). */
	private static final Duration PATIENCE = Duration.ofSeconds(60);

	@Override
	public void onApplicationEvent(ApplicationReadyEvent event) {
		ConfigurableApplicationContext context = event.getApplicationContext();
		if (!(context instanceof WebServerApplicationContext web)) {
			return;
		}
		URI health = URI.create("http://127.0.0.1:" + web.getWebServer().getPort() + "/actuator/health");
		// Off the starting thread: the ready event's other listeners (the registration among them) must run first.
		Thread.ofPlatform().name("cleave-training-run").start(() -> {
			if (awaitUp(health)) {
				log.info("Training run: health is UP; stopping");
			}
			else {
				log.warn("Training run: {} did not report UP within {}; stopping anyway", health, PATIENCE);
			}
			System.exit(SpringApplication.exit(context));
		});
	}

	private static boolean awaitUp(URI health) {
		Instant deadline = Instant.now().plus(PATIENCE);
		try (HttpClient http = HttpClient.newHttpClient()) {
			HttpRequest request = HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(5)).build();
			while (Instant.now().isBefore(deadline)) {
				try {
					if (http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
						return true;
					}
				}
				catch (IOException ex) {
					log.debug("Training run: {} did not answer", health, ex);
				}
				Thread.sleep(50); // polling the node's own endpoint, as a load balancer would
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return false;
	}
}
