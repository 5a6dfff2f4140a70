package io.cleave;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
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
 * <p>
 * Always a bean, asked at the ready event rather than by a condition: {@code bin/cleave}'s Spring AOT mode freezes
 * conditions when it generates the context's code, and the training run and the real starts share that code.
 */
@Component
class TrainingRun implements ApplicationListener<ApplicationReadyEvent> {

	private static final Logger log = LoggerFactory.getLogger(TrainingRun.class);

	/** How long the node may take to report UP; past it, the run ends anyway (the cache is still valid). */
	private static final Duration PATIENCE = Duration.ofSeconds(60);

	private static final String HEALTH = "/actuator/health";

	@Override
	public void onApplicationEvent(ApplicationReadyEvent event) {
		ConfigurableApplicationContext context = event.getApplicationContext();
		if (!context.getEnvironment().getProperty("cleave.training-run", Boolean.class, false)
				|| !(context instanceof WebServerApplicationContext web)) {
			return;
		}
		InetSocketAddress health = new InetSocketAddress("127.0.0.1", web.getWebServer().getPort());
		// Off the starting thread: the ready event's other listeners (the registration among them) must run first.
		Thread.ofPlatform().name("cleave-training-run").start(() -> {
			if (awaitUp(health)) {
				log.info("Training run: health is UP; stopping");
			}
			else {
				log.warn("Training run: {} did not report UP within {}; stopping anyway", HEALTH, PATIENCE);
			}
			System.exit(SpringApplication.exit(context));
		});
	}

	private static boolean awaitUp(InetSocketAddress health) {
		Instant deadline = Instant.now().plus(PATIENCE);
		try {
			while (Instant.now().isBefore(deadline)) {
				try {
					if (answersOk(health)) {
						return true;
					}
				}
				catch (IOException ex) {
					log.debug("Training run: {} did not answer", HEALTH, ex);
				}
				Thread.sleep(50); // polling the node's own endpoint, as a load balancer would
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return false;
	}

	/**
	 * One plain HTTP/1.1 request on a socket, as a load balancer's probe sends it. Not the JDK's HTTP client: the cache
	 * holds every class the training run loads, and every start loads them all; the client and the TLS classes it
	 * initializes were about 450 classes that no start of the node itself needs.
	 */
	private static boolean answersOk(InetSocketAddress health) throws IOException {
		try (Socket socket = new Socket()) {
			int timeout = (int) Duration.ofSeconds(5).toMillis();
			socket.connect(health, timeout);
			socket.setSoTimeout(timeout);
			OutputStream out = socket.getOutputStream();
			out.write(("GET " + HEALTH + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
					.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			String statusLine = new String(in.readNBytes("HTTP/1.1 200".length()), StandardCharsets.US_ASCII);
			in.transferTo(OutputStream.nullOutputStream()); // the whole answer, as a client that reads it would
			return statusLine.equals("HTTP/1.1 200");
		}
	}
}
