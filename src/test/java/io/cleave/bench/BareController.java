package io.cleave.bench;

import java.nio.charset.StandardCharsets;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The gateway benchmark's anchor: a bare Spring MVC controller on the same Tomcat, with the same virtual threads,
 * answering {@code POST /api/DB/Query} with the bytes Cleave answers for the seeded key — no security, no rate
 * limit, no access log, no metrics, no RPC, no database. {@code java … BareController --server.port=<port>}.
 */
@SpringBootConfiguration
@ImportAutoConfiguration({ TomcatServletWebServerAutoConfiguration.class, DispatcherServletAutoConfiguration.class,
		WebMvcAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class })
public class BareController {

	/** What {@code POST /api/DB/Query} answers for the key the benchmark seeds. */
	static final byte[] ANSWER = "{\"value\":\"aaa\"}".getBytes(StandardCharsets.UTF_8);

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(BareController.class, Query.class);
		application.setDefaultProperties(java.util.Map.of("spring.threads.virtual.enabled", "true",
				"spring.main.banner-mode", "off", "spring.config.location", "optional:classpath:/nothing/"));
		application.run(args);
	}

	@RestController
	static class Query {

		/** Reads the body, as the gateway must, and answers the fixed bytes. */
		@PostMapping(path = "/api/DB/Query", produces = MediaType.APPLICATION_JSON_VALUE)
		ResponseEntity<byte[]> query(@RequestBody byte[] body) {
			return ResponseEntity.ok(ANSWER);
		}
	}
}
