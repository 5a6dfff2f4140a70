package io.cleave.registry.jooq;

import static io.cleave.registry.jooq.schema.Tables.REGISTRY_KEY;
import static io.cleave.registry.jooq.schema.Tables.REGISTRY_KEY_HISTORY;
import static org.jooq.impl.DSL.noCondition;
import static org.jooq.impl.DSL.partitionBy;
import static org.jooq.impl.DSL.rowNumber;
import static org.jooq.impl.DSL.select;

import io.cleave.registry.Bytes;
import io.cleave.registry.KeyRange;
import io.cleave.registry.KeyValue;
import io.cleave.registry.RangeQuery;
import io.cleave.registry.RangeQuery.SortOrder;
import io.cleave.registry.RangeQuery.SortTarget;

import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SortField;
import org.jooq.Table;

/**
 * The live keys as one relation, either now (the {@code registry_key} table) or at a past revision (the newest
 * version of each key in history up to that revision), so that one query builder serves both kinds of read.
 */
record KeyColumns(Table<?> table, Field<byte[]> key, Field<byte[]> value, Field<Long> createRevision,
		Field<Long> modRevision, Field<Long> version, Field<Long> lease, Condition live) {

	static KeyColumns now() {
		var k = REGISTRY_KEY;
		return new KeyColumns(k, k.KEY_BYTES, k.VALUE_BYTES, k.CREATE_REVISION, k.MOD_REVISION, k.VERSION,
				k.LEASE_ID, noCondition());
	}

	/** The keys as they were at {@code revision}, restricted to {@code range} before the window is computed. */
	static KeyColumns atRevision(long revision, KeyRange range) {
		var h = REGISTRY_KEY_HISTORY;
		Field<Integer> newestFirst = rowNumber()
				.over(partitionBy(h.KEY_BYTES).orderBy(h.MOD_REVISION.desc(), h.SUB_REVISION.desc()))
				.as("newest_first");
		Table<?> versions = select(h.KEY_BYTES, h.VALUE_BYTES, h.CREATE_REVISION, h.MOD_REVISION, h.VERSION,
				h.LEASE_ID, h.TOMBSTONE, newestFirst)
				.from(h)
				.where(in(h.KEY_BYTES, range))
				.and(h.MOD_REVISION.le(revision))
				.asTable("at_revision");
		return new KeyColumns(versions, versions.field(h.KEY_BYTES), versions.field(h.VALUE_BYTES),
				versions.field(h.CREATE_REVISION), versions.field(h.MOD_REVISION), versions.field(h.VERSION),
				versions.field(h.LEASE_ID),
				versions.field(newestFirst).eq(1).and(versions.field(h.TOMBSTONE).isFalse()));
	}

	/** The condition "key is in range" on a key column, in etcd's encoding of ranges. */
	static Condition in(Field<byte[]> key, KeyRange range) {
		if (range.isSingleKey()) {
			return key.eq(range.key().unsafeArray());
		}
		Condition from = key.ge(range.key().unsafeArray());
		return range.hasUpperBound() ? from.and(key.lt(range.end().unsafeArray())) : from;
	}

	Condition in(KeyRange range) {
		return live.and(in(key, range));
	}

	Condition filters(RangeQuery query) {
		Condition c = noCondition();
		if (query.minModRevision() > 0) {
			c = c.and(modRevision.ge(query.minModRevision()));
		}
		if (query.maxModRevision() > 0) {
			c = c.and(modRevision.le(query.maxModRevision()));
		}
		if (query.minCreateRevision() > 0) {
			c = c.and(createRevision.ge(query.minCreateRevision()));
		}
		if (query.maxCreateRevision() > 0) {
			c = c.and(createRevision.le(query.maxCreateRevision()));
		}
		return c;
	}

	/** etcd's order: by key ascending unless asked otherwise; a target other than the key defaults to ascending. */
	SortField<?>[] order(RangeQuery query) {
		Field<?> target = switch (query.sortTarget()) {
			case KEY -> key;
			case VERSION -> version;
			case CREATE -> createRevision;
			case MOD -> modRevision;
			case VALUE -> value;
		};
		SortField<?> primary = query.sortOrder() == SortOrder.DESCEND ? target.desc() : target.asc();
		return query.sortTarget() == SortTarget.KEY ? new SortField<?>[] {primary}
				: new SortField<?>[] {primary, key.asc()};
	}

	KeyValue toKeyValue(Record row, boolean keysOnly) {
		byte[] storedValue = row.get(value);
		return new KeyValue(Bytes.wrap(row.get(key)),
				keysOnly || storedValue == null ? Bytes.EMPTY : Bytes.wrap(storedValue),
				row.get(createRevision), row.get(modRevision), row.get(version), row.get(lease));
	}
}
