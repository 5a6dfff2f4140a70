package io.cleave.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.stream.Stream;

import javax.sql.DataSource;

import io.cleave.registry.KeyValueStore;
import io.cleave.registry.Leases;
import io.cleave.registry.Watches;
import io.cleave.testing.CleaveNode;
import io.cleave.testing.CleaveProcess;
import io.cleave.testing.EtcdProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import org.springframework.util.FileSystemUtils;

/**
 * One registry under test, reached through Cleave's Java API ({@link KeyValueStore}, {@link Leases},
 * {@link Watches}) of a Cleave node started in this JVM: the node's embedded store, or its client of a real etcd.
 *
 * @param label the column heading in the report
 * @param version what runs underneath, e.g. the database's version
 * @param serverPid the process that serves the store outside this JVM, if any, for its CPU time
 * @param resources what to stop when done, last started first
 */
record Backend(String label, String version, KeyValueStore store, Leases leases, Watches watches,
		OptionalLong serverPid, List<AutoCloseable> resources) implements AutoCloseable {

	/** Settings every benchmark node gets: no HTTP server (nothing here uses it), quiet logs. */
	private static final List<String> NODE_SETTINGS = List.of("spring.main.web-application-type=none",
			"spring.main.banner-mode=off", "logging.level.root=WARN");

	/** The registries the benchmark knows, by the name {@code -Dbench.backends} takes. */
	enum Kind {
		H2("h2"), POSTGRES("postgres"), ETCD("etcd"), CLEAVE_ETCD_API("cleave-etcd-api");

		final String id;

		Kind(String id) {
			this.id = id;
		}

		static Kind of(String id) {
			return Stream.of(values()).filter(k -> k.id.equals(id)).findFirst()
					.orElseThrow(() -> new IllegalArgumentException("unknown backend '" + id + "'; known: "
							+ Stream.of(values()).map(k -> k.id).toList()));
		}

		Backend open(Path workDirectory) {
			return switch (this) {
				case H2 -> h2(workDirectory.resolve("h2"));
				case POSTGRES -> postgres(workDirectory.resolve("postgres-node"));
				case ETCD -> etcd(workDirectory.resolve("etcd-node"));
				case CLEAVE_ETCD_API -> cleaveEtcdApi(workDirectory.resolve("etcd-api-server"),
						workDirectory.resolve("etcd-api-client"));
			};
		}
	}

	/** A node whose embedded store runs on an H2 file database in a fresh data directory. */
	static Backend h2(Path dataDirectory) {
		deleteRecursively(dataDirectory);
		CleaveNode node = node("bench-h2", List.of(), "cleave.data-dir=" + dataDirectory);
		return embedded("Cleave embedded, H2", node, OptionalLong.empty(),
				List.of(node, () -> deleteRecursively(dataDirectory)));
	}

	/**
	 * A node whose embedded store runs on an embedded PostgreSQL 17 server (zonky) of its own, set up the way a
	 * deployment runs PostgreSQL: a commit waits for the disk. (zonky's defaults turn fsync and synchronous_commit
	 * off, which suits tests; etcd always syncs its log, and comparing against a database that does not would flatter
	 * it.)
	 */
	static Backend postgres(Path dataDirectory) {
		EmbeddedPostgres server = durablePostgres();
		try {
			CleaveNode node = node("bench-postgres", List.of("postgres"), "cleave.data-dir=" + dataDirectory,
					"CLEAVE_DB_URL=" + server.getJdbcUrl("postgres", "postgres"), "CLEAVE_DB_USER=postgres",
					"CLEAVE_DB_PASSWORD=");
			return embedded("Cleave embedded, PostgreSQL", node, OptionalLong.of(postmasterPid(server)),
					List.of(node, server, () -> deleteRecursively(dataDirectory)));
		}
		catch (RuntimeException ex) {
			closeQuietly(server);
			throw ex;
		}
	}

	/** A node using a real etcd 3.4 (Debian's {@code etcd-server}, in a child process) as its registry. */
	static Backend etcd(Path dataDirectory) {
		EtcdProcess etcd = new EtcdProcess().start();
		try {
			CleaveNode node = node("bench-etcd", List.of(), "cleave.data-dir=" + dataDirectory,
					"cleave.registry.endpoints=" + etcd.endpoint());
			return new Backend("etcd 3.4 via EtcdGrpcClient", "etcd " + etcdVersion(etcd), node.bean(KeyValueStore.class),
					node.bean(Leases.class), node.bean(Watches.class), OptionalLong.of(etcd.pid()),
					List.of(node, etcd, () -> deleteRecursively(dataDirectory)));
		}
		catch (RuntimeException ex) {
			closeQuietly(etcd);
			throw ex;
		}
	}

	/**
	 * Cleave's embedded store on H2 reached the way etcd is: a second node's etcd client ({@code EtcdGrpcClient})
	 * talks to the first node's etcd v3 gRPC API over loopback. Both nodes run in this JVM.
	 */
	static Backend cleaveEtcdApi(Path serverDataDirectory, Path clientDataDirectory) {
		deleteRecursively(serverDataDirectory);
		int port = CleaveProcess.freePort();
		CleaveNode server = node("bench-etcd-api", List.of(), "cleave.data-dir=" + serverDataDirectory,
				"cleave.registry.etcd-api.port=" + port);
		try {
			CleaveNode client = node("bench-etcd-api-client", List.of(), "cleave.data-dir=" + clientDataDirectory,
					"cleave.registry.endpoints=http://127.0.0.1:" + port);
			return new Backend("Cleave embedded (H2) via its etcd gRPC API", databaseVersion(server),
					client.bean(KeyValueStore.class), client.bean(Leases.class), client.bean(Watches.class),
					OptionalLong.empty(), List.of(client, server, () -> deleteRecursively(serverDataDirectory),
							() -> deleteRecursively(clientDataDirectory)));
		}
		catch (RuntimeException ex) {
			closeQuietly(server);
			throw ex;
		}
	}

	/** The server process's CPU seconds so far (with its children's); empty when the store runs in this JVM. */
	OptionalDouble serverCpuSeconds() {
		return serverPid.isPresent() ? OptionalDouble.of(CpuTime.processTreeSeconds(serverPid.getAsLong()))
				: OptionalDouble.empty();
	}

	@Override
	public void close() {
		List<Exception> failures = new ArrayList<>();
		for (AutoCloseable resource : resources) {
			try {
				resource.close();
			}
			catch (Exception ex) {
				failures.add(ex);
			}
		}
		if (!failures.isEmpty()) {
			IllegalStateException failure = new IllegalStateException("could not stop " + label + " cleanly");
			failures.forEach(failure::addSuppressed);
			throw failure;
		}
	}

	private static CleaveNode node(String name, List<String> profiles, String... settings) {
		List<String> all = new ArrayList<>(NODE_SETTINGS);
		all.addAll(List.of(settings));
		return CleaveNode.start(name, profiles, all.toArray(String[]::new));
	}

	private static Backend embedded(String label, CleaveNode node, OptionalLong serverPid,
			List<AutoCloseable> resources) {
		return new Backend(label, databaseVersion(node), node.bean(KeyValueStore.class), node.bean(Leases.class),
				node.bean(Watches.class), serverPid, resources);
	}

	/** The database's name and version, and the settings that decide whether a commit waits for the disk. */
	private static String databaseVersion(CleaveNode node) {
		try (Connection connection = node.bean(DataSource.class).getConnection()) {
			var metaData = connection.getMetaData();
			String product = metaData.getDatabaseProductName();
			String durability = product.equals("H2")
					? "WRITE_DELAY " + query(connection, "select setting_value from information_schema.settings"
							+ " where setting_name = 'WRITE_DELAY'") + " ms"
					: "fsync " + query(connection, "show fsync") + ", synchronous_commit "
							+ query(connection, "show synchronous_commit");
			return product + " " + metaData.getDatabaseProductVersion() + " (" + durability + ")";
		}
		catch (SQLException ex) {
			return "unknown (" + ex.getMessage() + ")";
		}
	}

	private static String query(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
			return result.next() ? result.getString(1) : "?";
		}
	}

	private static EmbeddedPostgres durablePostgres() {
		try {
			return EmbeddedPostgres.builder()
					.setServerConfig("fsync", "on")
					.setServerConfig("synchronous_commit", "on")
					.setServerConfig("full_page_writes", "on")
					.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not start an embedded PostgreSQL server", ex);
		}
	}

	/** PostgreSQL's postmaster: the parent of the backend serving a fresh connection. */
	private static long postmasterPid(EmbeddedPostgres server) {
		try (Connection connection = server.getPostgresDatabase().getConnection();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("select pg_backend_pid()")) {
			result.next();
			long backend = result.getLong(1);
			return ProcessHandle.of(backend).flatMap(ProcessHandle::parent).map(ProcessHandle::pid)
					.orElseThrow(() -> new IllegalStateException("no parent process of PostgreSQL backend " + backend));
		}
		catch (SQLException ex) {
			throw new IllegalStateException("could not ask PostgreSQL for its process", ex);
		}
	}

	private static void closeQuietly(AutoCloseable resource) {
		try {
			resource.close();
		}
		catch (Exception ex) {
			RegistryBenchmark.log("could not stop %s: %s", resource, ex);
		}
	}

	/** etcd's answer to {@code GET /version}, e.g. {@code {"etcdserver":"3.4.23","etcdcluster":"3.4.0"}}. */
	private static String etcdVersion(EtcdProcess etcd) {
		try (HttpClient http = HttpClient.newHttpClient()) {
			String body = http.send(HttpRequest.newBuilder(URI.create(etcd.endpoint() + "/version")).build(),
					HttpResponse.BodyHandlers.ofString()).body();
			return body.replaceAll(".*\"etcdserver\":\"([^\"]+)\".*", "$1");
		}
		catch (IOException ex) {
			return "unknown (" + ex.getMessage() + ")";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "unknown (interrupted)";
		}
	}

	private static void deleteRecursively(Path directory) {
		try {
			FileSystemUtils.deleteRecursively(directory);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not delete " + directory, ex);
		}
	}
}
