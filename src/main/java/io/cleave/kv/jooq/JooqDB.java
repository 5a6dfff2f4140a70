package io.cleave.kv.jooq;

import static io.cleave.kv.jooq.schema.Tables.KV_ENTRY;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import io.cleave.kv.DB;
import io.cleave.kv.KeyNotFoundException;

import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** {@link DB} on the {@code kv_entry} table: an upsert per update, a primary-key read per query. */
@Service
class JooqDB implements DB {

	private final DSLContext dsl;

	/**
	 * The read's SELECT, rendered by jOOQ once for this database's dialect: rendering the same query for every read
	 * cost more than running it (bench/gateway.sh, profiled); jOOQ's manual suggests exactly this for hot queries.
	 */
	private final String selectValue;

	JooqDB(DSLContext dsl) {
		this.dsl = dsl;
		this.selectValue = dsl.select(KV_ENTRY.ENTRY_VALUE)
				.from(KV_ENTRY)
				.where(KV_ENTRY.ENTRY_KEY.eq(DSL.param("key", String.class)))
				.getSQL();
	}

	@Override
	@Transactional
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
	// taking the connection out of auto-commit, setting it read-only and committing for every read.
	@Override
	public QueryResponse query(QueryRequest request) {
		String value = dsl.connectionResult(connection -> {
			try (PreparedStatement select = connection.prepareStatement(selectValue)) {
				select.setString(1, request.key());
				try (ResultSet rows = select.executeQuery()) {
					return rows.next() ? rows.getString(1) : null;
				}
			}
		});
		if (value == null) {
			throw KeyNotFoundException.forKey(request.key());
		}
		return new QueryResponse(value);
	}
}
