package io.cleave;

import java.io.IOException;
import java.nio.file.Files;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The persistence round trip on the embedded default: an H2 file in PostgreSQL mode. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = "cleave.registry.etcd-api.port=0")
class H2PersistenceTests extends PersistenceRoundTrip {

	@DynamicPropertySource
	static void freshDataDirectory(DynamicPropertyRegistry registry) throws IOException {
		var dataDir = Files.createTempDirectory("cleave-h2-");
		registry.add("cleave.data-dir", dataDir::toString);
	}
}
