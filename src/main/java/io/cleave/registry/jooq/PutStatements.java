package io.cleave.registry.jooq;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntFunction;

import io.cleave.registry.Bytes;
import io.cleave.registry.KeyValue;

import org.jooq.SQLDialect;
import org.jspecify.annotations.Nullable;

/**
 * The statements of the put path — the bulk of any write load — in plain JDBC on the write transaction's connection,
 * their SQL written once per dialect and row count and kept: rendering them with jOOQ at every commit cost as much as
 * running them. A group of puts takes five statements whatever its size: lock and read the revision, read the keys,
 * write every key's new state in one upsert, every history row in one multi-row insert, move the revision — three on
 * PostgreSQL, where the last three are one.
 */
final class PutStatements {

	/** Rows of one multi-row statement; a group commit is bounded by the same number. */
	static final int MAX_ROWS = 256;

	private static final String KEY_COLUMNS = "key_bytes, value_bytes, create_revision, mod_revision, "
			+ "mod_sub_revision, version, lease_id";

	private final boolean postgres;

	private final String lockRevision;

	private final String readRevision;

	private final String setRevision = "update registry_revision set revision = ? where id = 1";

	private final Sql selectKeys = new Sql(n -> "select " + KEY_COLUMNS + " from registry_key where key_bytes in ("
			+ placeholders(n, 1) + ")");

	private final Sql upsertKeys;

	/** By row counts of keys and of history; PostgreSQL only. */
	private final Map<Integer, String> writeAndSetRevision = new ConcurrentHashMap<>();

	private final Sql insertHistory = new Sql(n -> "insert into registry_key_history (mod_revision, sub_revision, "
			+ "key_bytes, value_bytes, create_revision, version, lease_id, prev_mod_revision, prev_sub_revision) "
			+ "values " + placeholders(n, 9));

	PutStatements(SQLDialect dialect) {
		this.postgres = dialect.family() == SQLDialect.POSTGRES;
		if (postgres) {
			// One statement: the row lock (waiting for a writer of another node) and what it protects.
			lockRevision = "update registry_revision set revision = revision where id = 1"
					+ " returning revision, compact_revision";
			readRevision = null;
			upsertKeys = new Sql(n -> "insert into registry_key (" + KEY_COLUMNS + ") values " + placeholders(n, 7)
					+ " on conflict (key_bytes) do update set value_bytes = excluded.value_bytes,"
					+ " create_revision = excluded.create_revision, mod_revision = excluded.mod_revision,"
					+ " mod_sub_revision = excluded.mod_sub_revision, version = excluded.version,"
					+ " lease_id = excluded.lease_id");
		}
		else {
			// H2 has no RETURNING, and parses a SELECT ... FOR UPDATE anew each time (its query cache skips them):
			// lock the row with an update that changes nothing, then read it.
			lockRevision = "update registry_revision set revision = revision where id = 1";
			readRevision = "select revision, compact_revision from registry_revision where id = 1";
			upsertKeys = new Sql(n -> "merge into registry_key (" + KEY_COLUMNS + ") key (key_bytes) values "
					+ placeholders(n, 7));
		}
	}

	/** Locks the revision row until the transaction ends; the revision and the compaction revision. */
	long[] lockRevision(Connection connection) throws SQLException {
		try (PreparedStatement lock = connection.prepareStatement(lockRevision)) {
			if (readRevision == null) {
				try (ResultSet row = lock.executeQuery()) {
					return single(row);
				}
			}
			lock.executeUpdate();
		}
		try (PreparedStatement read = connection.prepareStatement(readRevision);
				ResultSet row = read.executeQuery()) {
			return single(row);
		}
	}

	void setRevision(Connection connection, long revision) throws SQLException {
		try (PreparedStatement update = connection.prepareStatement(setRevision)) {
			update.setLong(1, revision);
			update.executeUpdate();
		}
	}

	/** The live keys among {@code keys} (distinct, at most {@value #MAX_ROWS}). */
	List<JooqKeyValueStore.Stored> keys(Connection connection, List<Bytes> keys) throws SQLException {
		List<JooqKeyValueStore.Stored> found = new ArrayList<>(keys.size());
		try (PreparedStatement select = connection.prepareStatement(selectKeys.rows(keys.size()))) {
			int i = 1;
			for (Bytes key : keys) {
				select.setBytes(i++, key.unsafeArray());
			}
			try (ResultSet rows = select.executeQuery()) {
				while (rows.next()) {
					found.add(new JooqKeyValueStore.Stored(new KeyValue(Bytes.wrap(rows.getBytes(1)),
							Bytes.wrap(rows.getBytes(2)), rows.getLong(3), rows.getLong(4), rows.getLong(6),
							rows.getLong(7)), rows.getInt(5)));
				}
			}
		}
		return found;
	}

	/** Writes each key's new state (written at sub-revision 0), inserting the new keys and updating the others. */
	void upsertKeys(Connection connection, Collection<KeyValue> kvs) throws SQLException {
		try (PreparedStatement upsert = connection.prepareStatement(upsertKeys.rows(kvs.size()))) {
			bindKeys(upsert, 1, kvs);
			upsert.executeUpdate();
		}
	}

	/** Records each put (at sub-revision 0) in the history, pointing to the version it replaced. */
	void insertHistory(Connection connection, List<HistoryRow> rows) throws SQLException {
		try (PreparedStatement insert = connection.prepareStatement(insertHistory.rows(rows.size()))) {
			bindHistory(insert, 1, rows);
			insert.executeUpdate();
		}
	}

	/**
	 * Writes the puts that end a batch and moves the revision past them. On PostgreSQL that is one statement (its
	 * data-modifying {@code WITH} runs the three writes, which touch three different tables, as one): each statement
	 * is a round trip to the server.
	 */
	void writeAndSetRevision(Connection connection, Collection<KeyValue> kvs, List<HistoryRow> rows, long revision)
			throws SQLException {
		if (!postgres) {
			upsertKeys(connection, kvs);
			insertHistory(connection, rows);
			setRevision(connection, revision);
			return;
		}
		String sql = writeAndSetRevision.computeIfAbsent(kvs.size() * (MAX_ROWS + 1) + rows.size(),
				ignored -> "with written_keys as (" + upsertKeys.rows(kvs.size()) + "), written_history as ("
						+ insertHistory.rows(rows.size()) + ") " + setRevision);
		try (PreparedStatement all = connection.prepareStatement(sql)) {
			int next = bindKeys(all, 1, kvs);
			next = bindHistory(all, next, rows);
			all.setLong(next, revision);
			all.executeUpdate();
		}
	}

	private static int bindKeys(PreparedStatement statement, int first, Collection<KeyValue> kvs)
			throws SQLException {
		int i = first;
		for (KeyValue kv : kvs) {
			statement.setBytes(i++, kv.key().unsafeArray());
			statement.setBytes(i++, kv.value().unsafeArray());
			statement.setLong(i++, kv.createRevision());
			statement.setLong(i++, kv.modRevision());
			statement.setInt(i++, 0);
			statement.setLong(i++, kv.version());
			statement.setLong(i++, kv.lease());
		}
		return i;
	}

	private static int bindHistory(PreparedStatement statement, int first, List<HistoryRow> rows)
			throws SQLException {
		int i = first;
		for (HistoryRow row : rows) {
			KeyValue kv = row.kv();
			statement.setLong(i++, kv.modRevision());
			statement.setInt(i++, 0);
			statement.setBytes(i++, kv.key().unsafeArray());
			statement.setBytes(i++, kv.value().unsafeArray());
			statement.setLong(i++, kv.createRevision());
			statement.setLong(i++, kv.version());
			statement.setLong(i++, kv.lease());
			JooqKeyValueStore.Stored prev = row.prev();
			if (prev == null) {
				statement.setNull(i++, Types.BIGINT);
				statement.setNull(i++, Types.INTEGER);
			}
			else {
				statement.setLong(i++, prev.kv().modRevision());
				statement.setInt(i++, prev.modSub());
			}
		}
		return i;
	}

	/** One put's history row: what it wrote and the version it replaced, if any. */
	record HistoryRow(KeyValue kv, JooqKeyValueStore.@Nullable Stored prev) {
	}

	private static long[] single(ResultSet row) throws SQLException {
		if (!row.next()) {
			throw new IllegalStateException("the registry's revision row is missing");
		}
		return new long[] {row.getLong(1), row.getLong(2)};
	}

	/** {@code (?, ?), (?, ?)} for two rows of two columns; {@code ?, ?} for two rows of one. */
	private static String placeholders(int rows, int columns) {
		String row = columns == 1 ? "?" : "(" + String.join(", ", Collections.nCopies(columns, "?")) + ")";
		return String.join(", ", Collections.nCopies(rows, row));
	}

	/** A statement's SQL for each row count, written the first time that count comes up. */
	private static final class Sql {

		private final IntFunction<String> render;

		private final AtomicReferenceArray<String> byRows = new AtomicReferenceArray<>(MAX_ROWS + 1);

		Sql(IntFunction<String> render) {
			this.render = render;
		}

		String rows(int rows) {
			if (rows < 1 || rows > MAX_ROWS) {
				throw new IllegalArgumentException("between 1 and " + MAX_ROWS + " rows, not " + rows);
			}
			String sql = byRows.get(rows);
			if (sql == null) {
				sql = render.apply(rows);
				byRows.set(rows, sql);
			}
			return sql;
		}
	}
}
