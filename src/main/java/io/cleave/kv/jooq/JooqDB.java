package io.cleave.kv.jooq;

import static io.cleave.kv.jooq.schema.Tables.KV_ENTRY;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import javax.sql.DataSource;

import io.cleave.kv.DB;
import io.cleave.kv.KeyNotFoundException;

import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.support.SQLExceptionSubclassTranslator;
import org.springframework.stereotype.Service;

/** {@link DB} on the {@code kv_entry} table: an upsert per update, a primary-key read per query. */
@Service
class JooqDB implements DB {

	private final DSLContext dsl;

	private final DataSource dataSource;

	private final SQLExceptionSubclassTranslator failures = new SQLExceptionSubclassTranslator();

	/**
	 * The read's SELECT, rendered by jOOQ once for this database's dialect: rendering the same query for every read
	 * cost more than running it (bench/gateway.sh, profiled); jOOQ's manual suggests exactly this for hot queries.
	 */
	private final String selectValue;

	JooqDB(DSLContext dsl, DataSource dataSource) {
		this.dsl = dsl;
		this.dataSource = dataSource;
		this.selectValue = dsl.select(KV_ENTRY.ENTRY_VALUE)
				.from(KV_ENTRY)
				.where(KV_ENTRY.ENTRY_KEY.eq(DSL.param("key", String.class)))
				.getSQL();
	}

	// One statement, atomic on its own (H2's MERGE, PostgreSQL's INSERT ... ON CONFLICT), committed before it returns:
	// no @Transactional, whose proxy every read went through too.
	@Override
	public UpdateResponse update(UpdateRequest request) {
		OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
		dsl.insertInto(KV_ENTRY)
				.set(KV_ENTRY.ENTRY_KEY, request.key())
				.set(KV_ENTRY.ENTRY_VALUE, request.value())
				.set(KV_ENTRY.UPDATED_AT, now)
				.onConflict(KV_ENTRY.ENTRY_KEY)
				.doUpdate()
				.set(KV_ENTRY.ENTRY_VALUE, request.value())
				.set(KV_ENTRY.UPDATED_AT, now)
				.execute();
		return new UpdateResponse();
	}

	// No transaction: one primary-key SELECT in auto-commit reads as consistently as one in a transaction, without
	// taking the connection out of auto-commit, setting it read-only and committing for every read. The connection is
	// the one jOOQ would use (a caller's transaction's, else the pool's), taken from the pool directly: through jOOQ's
	// transaction-aware proxy every JDBC call was a reflective invocation.
	@Override
	public QueryResponse query(QueryRequest request) {
		String value;
		Connection connection = DataSourceUtils.getConnection(dataSource);
		try (PreparedStatement select = connection.prepareStatement(selectValue)) {
			select.setString(1, request.key());
			try (ResultSet rows = select.executeQuery()) {
				value = rows.next() ? rows.getString(1) : null;
			}
		}
		catch (SQLException failed) {
			throw failures.translate("kv query", selectValue, failed);
		}
		finally {
			DataSourceUtils.releaseConnection(connection, dataSource);
		}
		if (value == null) {
			throw KeyNotFoundException.forKey(request.key());
		}
		return new QueryResponse(value);
	}
}
