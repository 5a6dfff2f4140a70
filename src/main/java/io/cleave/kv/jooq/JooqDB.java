package io.cleave.kv.jooq;

import static io.cleave.kv.jooq.schema.Tables.KV_ENTRY;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import io.cleave.kv.DB;
import io.cleave.kv.KeyNotFoundException;

import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/** {@link DB} on the {@code kv_entry} table: an upsert per update, a primary-key read per query. */
@Service
class JooqDB implements DB {

	private final DSLContext dsl;

	private final JdbcTemplate jdbc;

	/**
	 * The read's SELECT, rendered by jOOQ once for this database's dialect: rendering the same query for every read
	 * cost more than running it (bench/gateway.sh, profiled); jOOQ's manual suggests exactly this for hot queries.
	 */
	private final String selectValue;

	JooqDB(DSLContext dsl, JdbcTemplate jdbc) {
		this.dsl = dsl;
		this.jdbc = jdbc;
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
	// taking the connection out of auto-commit, setting it read-only and committing for every read. Run by Spring's
	// JdbcTemplate on the connection jOOQ would use (a caller's transaction's, else the pool's): through jOOQ's
	// transaction-aware proxy every JDBC call was a reflective invocation.
	@Override
	public QueryResponse query(QueryRequest request) {
		// The key set as the String it is: JdbcTemplate's Object... form works out each argument's SQL type per call.
		String value = jdbc.query(selectValue, statement -> statement.setString(1, request.key()),
				rows -> rows.next() ? rows.getString(1) : null);
		if (value == null) {
			throw KeyNotFoundException.forKey(request.key());
		}
		return new QueryResponse(value);
	}
}
