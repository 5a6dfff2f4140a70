package io.cleave.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.cleave.CleaveApplication;
import io.cleave.testing.EmbeddedPostgresServer;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

/** A Cleave node without web server for the bus benchmarks, on H2 in a fresh directory or on embedded PostgreSQL. */
final class BusNode implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private final Path dataDir;

	private BusNode(ConfigurableApplicationContext context, Path dataDir) {
		this.context = context;
		this.dataDir = dataDir;
	}

	static BusNode start(String database) {
		try {
			Path dataDir = Files.createTempDirectory("cleave-bus-bench-");
			var builder = new SpringApplicationBuilder(CleaveApplication.class)
					.web(WebApplicationType.NONE)
					.properties("logging.level.root=warn", "spring.main.banner-mode=off");
			if (database.equals("postgres")) {
				String url = EmbeddedPostgresServer.createDatabase("bus_bench");
				builder.profiles("postgres")
						.properties("CLEAVE_DB_URL=" + url, "CLEAVE_DB_USER=postgres", "CLEAVE_DB_PASSWORD=");
			}
			else if (!database.equals("h2")) {
				throw new IllegalArgumentException("database must be h2 or postgres, not " + database);
			}
			// arguments: they outrank ./config/application.yml, default properties do not
			return new BusNode(builder.run("--cleave.data-dir=" + dataDir, "--cleave.registry.etcd-api.port=0"),
					dataDir);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	<T> T bean(Class<T> type) {
		return context.getBean(type);
	}

	@Override
	public void close() {
		context.close();
		FileSystemUtils.deleteRecursively(dataDir.toFile());
	}
}
