package io.cleave.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * One real PostgreSQL 17 server per test JVM (zonky's embedded binaries; stopped when the JVM exits), and fresh
 * databases on it, reached the way a deployment reaches its database: the {@code postgres} profile with URL and
 * credentials from {@code CLEAVE_DB_*}.
 */
public final class EmbeddedPostgresServer {

	private static EmbeddedPostgres server;

	private static Path dataDirectory;

	private EmbeddedPostgresServer() {
	}

	/**
	 * The server, started on first use. zonky stops it when the JVM exits and then deletes its data directory,
	 * which is named here so that a test can check it.
	 */
	public static synchronized EmbeddedPostgres get() {
		if (server == null) {
			try {
				dataDirectory = Files.createTempDirectory("cleave-postgres-");
				server = EmbeddedPostgres.builder().setDataDirectory(dataDirectory).setCleanDataDirectory(true).start();
			}
			catch (IOException ex) {
				throw new UncheckedIOException("could not start the embedded PostgreSQL server", ex);
			}
		}
		return server;
	}

	/** The running server's data directory. */
	public static synchronized Path dataDirectory() {
		get();
		return dataDirectory;
	}

	/** Creates an empty database and returns its JDBC URL. */
	public static String createDatabase(String name) {
		try (Connection c = get().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
			s.execute("drop database if exists " + name + " with (force)");
			s.execute("create database " + name);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("could not create database " + name, ex);
		}
		return get().getJdbcUrl("postgres", name);
	}

	/** Points the {@code postgres} profile at the database {@code name} (the default one: "postgres"). */
	public static void register(DynamicPropertyRegistry registry, String url) {
		registry.add("CLEAVE_DB_URL", () -> url);
		registry.add("CLEAVE_DB_USER", () -> "postgres");
		registry.add("CLEAVE_DB_PASSWORD", () -> "");
	}
}
