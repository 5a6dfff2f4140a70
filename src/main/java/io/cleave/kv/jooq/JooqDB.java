package io.cleave.kv.jooq;

import static io.cleave.kv.jooq.schema.Tables.KV_ENTRY;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import io.cleave.kv.DB;
import io.cleave.kv.KeyNotFoundException;

import org.jooq.DSLContext;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** {@link DB} on the {@code kv_entry} table: an upsert per update, a primary-key read per query. */
@Service
class JooqDB implements DB {

	private final DSLContext dsl;

	JooqDB(DSLContext dsl) {
		this.dsl = dsl;
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
		return dsl.select(KV_ENTRY.ENTRY_VALUE)
				.from(KV_ENTRY)
				.where(KV_ENTRY.ENTRY_KEY.eq(request.key()))
				.fetchOptional(record -> new QueryResponse(record.value1()))
				.orElseThrow(() -> KeyNotFoundException.forKey(request.key()));
	}
}
