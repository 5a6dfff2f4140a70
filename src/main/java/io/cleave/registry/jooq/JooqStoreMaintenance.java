package io.cleave.registry.jooq;

import static io.cleave.registry.jooq.schema.Tables.REGISTRY_KEY;
import static io.cleave.registry.jooq.schema.Tables.REGISTRY_KEY_HISTORY;
import static io.cleave.registry.jooq.schema.Tables.REGISTRY_LEASE;
import static io.cleave.registry.jooq.schema.Tables.REGISTRY_REVISION;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.inline;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import io.cleave.registry.RegistryException;
import io.cleave.registry.internal.StoreMaintenance;

import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.Record8;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jspecify.annotations.Nullable;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/** Size and hashes of the embedded store, read in one snapshot each. */
final class JooqStoreMaintenance implements StoreMaintenance {

	private static final List<Table<?>> TABLES = List.of(REGISTRY_REVISION, REGISTRY_KEY_HISTORY, REGISTRY_KEY,
			REGISTRY_LEASE);

	/** Rows fetched per round trip while hashing, so that a large history is streamed, not loaded. */
	private static final int FETCH_SIZE = 1000;

	private final DSLContext dsl;

	private final TransactionTemplate snapshot;

	JooqStoreMaintenance(DSLContext dsl, PlatformTransactionManager transactions) {
		this.dsl = dsl;
		this.snapshot = new TransactionTemplate(transactions);
		this.snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
		this.snapshot.setReadOnly(true);
		this.snapshot.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
	}

	@Override
	public Size size() {
		if (dsl.dialect().family() == SQLDialect.POSTGRES) {
			long database = dsl.fetchValue(field("pg_database_size(current_database())", Long.class));
			long inUse = 0;
			for (Table<?> table : TABLES) {
				inUse += dsl.fetchValue(field("pg_total_relation_size({0}::regclass)", Long.class,
						inline(table.getName())));
			}
			return new Size(database, inUse);
		}
		// H2's MVStore appends chunks and reuses them once they empty; the fill rate is the live part of the file.
		long file = h2Setting("info.FILE_SIZE");
		long fillPercent = h2Setting("info.CHUNKS_FILL_RATE");
		return new Size(file, file * fillPercent / 100);
	}

	private long h2Setting(String name) {
		String value = dsl.select(field("setting_value", String.class))
				.from("information_schema.settings")
				.where(field("setting_name").eq(name))
				.fetchOne(0, String.class);
		return value == null ? 0 : Long.parseLong(value.trim());
	}

	@Override
	public Hash hashKv(long revision) {
		return snapshot.execute(status -> {
			Record positions = positions();
			long current = positions.get(REGISTRY_REVISION.REVISION);
			long compacted = positions.get(REGISTRY_REVISION.COMPACT_REVISION);
			if (revision > current) {
				throw RegistryException.futureRevision();
			}
			if (revision > 0 && revision < compacted) {
				throw RegistryException.compacted();
			}
			long upTo = revision == 0 ? current : revision;
			CRC32C crc = new CRC32C();
			hashHistory(crc, upTo);
			return new Hash((int) crc.getValue(), upTo, compacted, current);
		});
	}

	@Override
	public Hash hash() {
		return snapshot.execute(status -> {
			Record positions = positions();
			long current = positions.get(REGISTRY_REVISION.REVISION);
			long compacted = positions.get(REGISTRY_REVISION.COMPACT_REVISION);
			CRC32C crc = new CRC32C();
			crc.update(ByteBuffer.allocate(16).putLong(current).putLong(compacted).flip());
			hashHistory(crc, current);
			// Leases by id and TTL: their deadlines move with every keep-alive and are not content.
			try (Stream<Record> leases = dsl.select(REGISTRY_LEASE.ID, REGISTRY_LEASE.TTL_SECONDS)
					.from(REGISTRY_LEASE)
					.orderBy(REGISTRY_LEASE.ID)
					.fetchSize(FETCH_SIZE)
					.fetchStream()
					.map(Record.class::cast)) {
				leases.forEach(lease -> crc.update(ByteBuffer.allocate(16).putLong(lease.get(REGISTRY_LEASE.ID))
						.putLong(lease.get(REGISTRY_LEASE.TTL_SECONDS)).flip()));
			}
			return new Hash((int) crc.getValue(), current, compacted, current);
		});
	}

	private Record positions() {
		return dsl.select(REGISTRY_REVISION.REVISION, REGISTRY_REVISION.COMPACT_REVISION)
				.from(REGISTRY_REVISION)
				.where(REGISTRY_REVISION.ID.eq((short) 1))
				.fetchSingle();
	}

	/** Every kept version up to {@code revision}, in revision order, each field length-prefixed. */
	private void hashHistory(CRC32C crc, long revision) {
		var h = REGISTRY_KEY_HISTORY;
		try (Stream<Record8<Long, Integer, byte[], byte[], Long, Long, Long, Boolean>> rows = dsl
				.select(h.MOD_REVISION, h.SUB_REVISION, h.KEY_BYTES, h.VALUE_BYTES, h.CREATE_REVISION, h.VERSION,
						h.LEASE_ID, h.TOMBSTONE)
				.from(h)
				.where(h.MOD_REVISION.le(revision))
				.orderBy(h.MOD_REVISION, h.SUB_REVISION)
				.fetchSize(FETCH_SIZE)
				.fetchStream()) {
			rows.forEach(row -> {
				byte[] key = row.value3();
				byte @Nullable [] value = row.value4();
				int valueLength = value == null ? 0 : value.length;
				ByteBuffer fields = ByteBuffer.allocate(8 + 4 + 4 + key.length + 1 + 4 + valueLength + 8 + 8 + 8)
						.putLong(row.value1())
						.putInt(row.value2())
						.putInt(key.length)
						.put(key)
						.put((byte) (row.value8() ? 1 : 0))
						.putInt(value == null ? -1 : value.length);
				if (value != null) {
					fields.put(value);
				}
				fields.putLong(row.value5()).putLong(row.value6()).putLong(row.value7());
				crc.update(fields.flip());
			});
		}
	}
}
