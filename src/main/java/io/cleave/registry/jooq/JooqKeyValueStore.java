package io.cleave.registry.jooq;

import static io.cleave.registry.jooq.schema.Tables.REGISTRY_KEY;
import static io.cleave.registry.jooq.schema.Tables.REGISTRY_KEY_HISTORY;
import static io.cleave.registry.jooq.schema.Tables.REGISTRY_LEASE;
import static io.cleave.registry.jooq.schema.Tables.REGISTRY_REVISION;
import static org.jooq.impl.DSL.exists;
import static org.jooq.impl.DSL.selectOne;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import io.cleave.registry.Bytes;
import io.cleave.registry.Compare;
import io.cleave.registry.Delete;
import io.cleave.registry.DeleteResult;
import io.cleave.registry.KeyRange;
import io.cleave.registry.KeyValue;
import io.cleave.registry.KeyValueStore;
import io.cleave.registry.Op;
import io.cleave.registry.OpResult;
import io.cleave.registry.Put;
import io.cleave.registry.PutResult;
import io.cleave.registry.RangeQuery;
import io.cleave.registry.RangeResult;
import io.cleave.registry.RegistryException;
import io.cleave.registry.Txn;
import io.cleave.registry.TxnResult;
import io.cleave.registry.WatchEvent;
import io.cleave.registry.internal.EventLog;
import io.cleave.registry.jooq.schema.tables.RegistryKeyHistory;

import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.Record2;
import org.jspecify.annotations.Nullable;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The embedded key-value store: etcd's MVCC model in SQL. Writers serialize on the single revision row (and, within
 * one JVM, on a lock in front of it), so revisions commit in order and nodes sharing one PostgreSQL database never
 * interleave; reads run in a repeatable-read snapshot so a response's revision matches its keys.
 */
public final class JooqKeyValueStore implements KeyValueStore, EventLog {

	/** etcd's default limit on the operations of one transaction branch. */
	static final int MAX_TXN_OPS = 128;

	private final DSLContext dsl;

	private final TransactionTemplate writes;

	private final TransactionTemplate reads;

	private final ReentrantLock writeLock = new ReentrantLock();

	private final List<Runnable> commitCallbacks = new CopyOnWriteArrayList<>();

	public JooqKeyValueStore(DSLContext dsl, PlatformTransactionManager transactions) {
		this.dsl = dsl;
		this.writes = new TransactionTemplate(transactions);
		this.reads = new TransactionTemplate(transactions);
		this.reads.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
		this.reads.setReadOnly(true);
	}

	@Override
	public RangeResult range(RangeQuery query) {
		return reads.execute(status -> {
			Positions positions = positions();
			return range(query, positions);
		});
	}

	@Override
	public PutResult put(Put put) {
		return write(w -> put(w, put));
	}

	@Override
	public DeleteResult delete(Delete delete) {
		return write(w -> delete(w, delete));
	}

	@Override
	public TxnResult txn(Txn txn) {
		checkTxn(txn);
		return write(w -> txn(w, txn));
	}

	@Override
	public long compact(long revision) {
		return write(w -> {
			if (revision <= w.compactRevision) {
				throw RegistryException.compacted();
			}
			if (revision > w.current) {
				throw RegistryException.futureRevision();
			}
			var h = REGISTRY_KEY_HISTORY;
			var newer = h.as("newer");
			// Keep, for each key, its newest version at or before the compaction revision: reads at later
			// revisions still need it. Tombstones are dropped with what they replaced.
			dsl.deleteFrom(h)
					.where(h.MOD_REVISION.lt(revision))
					.and(h.TOMBSTONE.isTrue().or(exists(selectOne()
							.from(newer)
							.where(newer.KEY_BYTES.eq(h.KEY_BYTES))
							.and(newer.MOD_REVISION.le(revision))
							.and(newer.MOD_REVISION.gt(h.MOD_REVISION)
									.or(newer.MOD_REVISION.eq(h.MOD_REVISION)
											.and(newer.SUB_REVISION.gt(h.SUB_REVISION)))))))
					.execute();
			dsl.update(REGISTRY_REVISION)
					.set(REGISTRY_REVISION.COMPACT_REVISION, revision)
					.where(REGISTRY_REVISION.ID.eq((short) 1))
					.execute();
			afterCommit(this::notifyCommitted); // watchers behind the compaction must hear of it
			return w.current;
		});
	}

	@Override
	public long revision() {
		return positions().revision();
	}

	// EventLog

	@Override
	public Positions positions() {
		return dsl.select(REGISTRY_REVISION.REVISION, REGISTRY_REVISION.COMPACT_REVISION)
				.from(REGISTRY_REVISION)
				.where(REGISTRY_REVISION.ID.eq((short) 1))
				.fetchSingle(r -> new Positions(r.value1(), r.value2()));
	}

	@Override
	public List<WatchEvent> events(long fromRevision, long toRevision) {
		var h = REGISTRY_KEY_HISTORY;
		RegistryKeyHistory prev = h.as("prev");
		return dsl.select(h.KEY_BYTES, h.VALUE_BYTES, h.CREATE_REVISION, h.MOD_REVISION, h.VERSION, h.LEASE_ID,
				h.TOMBSTONE, prev.VALUE_BYTES, prev.CREATE_REVISION, prev.MOD_REVISION, prev.VERSION, prev.LEASE_ID)
				.from(h)
				.leftJoin(prev)
				.on(prev.MOD_REVISION.eq(h.PREV_MOD_REVISION).and(prev.SUB_REVISION.eq(h.PREV_SUB_REVISION)))
				.where(h.MOD_REVISION.between(fromRevision, toRevision))
				.orderBy(h.MOD_REVISION, h.SUB_REVISION)
				.fetch(row -> {
					Bytes key = Bytes.wrap(row.get(h.KEY_BYTES));
					KeyValue prevKv = row.get(prev.MOD_REVISION) == null ? null
							: new KeyValue(key, Bytes.wrap(row.get(prev.VALUE_BYTES)), row.get(prev.CREATE_REVISION),
									row.get(prev.MOD_REVISION), row.get(prev.VERSION), row.get(prev.LEASE_ID));
					if (row.get(h.TOMBSTONE)) {
						return new WatchEvent(WatchEvent.Type.DELETE,
								new KeyValue(key, Bytes.EMPTY, 0, row.get(h.MOD_REVISION), 0, 0), prevKv);
					}
					return new WatchEvent(WatchEvent.Type.PUT, new KeyValue(key, Bytes.wrap(row.get(h.VALUE_BYTES)),
							row.get(h.CREATE_REVISION), row.get(h.MOD_REVISION), row.get(h.VERSION),
							row.get(h.LEASE_ID)), prevKv);
				});
	}

	@Override
	public void onCommit(Runnable callback) {
		commitCallbacks.add(callback);
	}

	// The write path, shared with the leases.

	/**
	 * Runs {@code work} as one write transaction: it holds the revision row, and every change it makes gets the next
	 * revision. If it changes nothing the revision stays; if it throws, nothing is applied.
	 */
	<T> T write(Function<Writer, T> work) {
		writeLock.lock();
		try {
			T result = writes.execute(status -> {
				Record2<Long, Long> row = dsl.select(REGISTRY_REVISION.REVISION, REGISTRY_REVISION.COMPACT_REVISION)
						.from(REGISTRY_REVISION)
						.where(REGISTRY_REVISION.ID.eq((short) 1))
						.forUpdate()
						.fetchSingle();
				Writer writer = new Writer(row.value1(), row.value2());
				T outcome = work.apply(writer);
				if (writer.changed()) {
					dsl.update(REGISTRY_REVISION)
							.set(REGISTRY_REVISION.REVISION, writer.revision())
							.where(REGISTRY_REVISION.ID.eq((short) 1))
							.execute();
					afterCommit(this::notifyCommitted);
				}
				return outcome;
			});
			return result;
		}
		finally {
			writeLock.unlock();
		}
	}

	private static void afterCommit(Runnable action) {
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					action.run();
				}
			});
		}
		else {
			action.run();
		}
	}

	private void notifyCommitted() {
		commitCallbacks.forEach(Runnable::run);
	}

	private RangeResult range(RangeQuery query, Positions positions) {
		long revision = query.revision();
		if (revision > positions.revision()) {
			throw RegistryException.futureRevision();
		}
		if (revision > 0 && revision < positions.compactRevision()) {
			throw RegistryException.compacted();
		}
		KeyColumns columns = revision == 0 || revision == positions.revision() ? KeyColumns.now()
				: KeyColumns.atRevision(revision, query.range());
		Condition inRange = columns.in(query.range());
		long count = dsl.fetchCount(columns.table(), inRange);
		if (query.countOnly()) {
			return new RangeResult(positions.revision(), List.of(), false, count);
		}
		var select = dsl.select(columns.key(), columns.value(), columns.createRevision(), columns.modRevision(),
				columns.version(), columns.lease())
				.from(columns.table())
				.where(inRange.and(columns.filters(query)))
				.orderBy(columns.order(query));
		List<KeyValue> kvs = (query.limit() > 0 ? select.limit(query.limit() + 1) : select)
				.fetch(row -> columns.toKeyValue(row, query.keysOnly()));
		boolean more = query.limit() > 0 && kvs.size() > query.limit();
		return new RangeResult(positions.revision(), more ? kvs.subList(0, (int) query.limit()) : kvs, more, count);
	}

	private PutResult put(Writer w, Put put) {
		@Nullable Stored existing = stored(put.key());
		if ((put.ignoreValue() || put.ignoreLease()) && existing == null) {
			throw new RegistryException(RegistryException.Reason.INVALID_ARGUMENT, "etcdserver: key not found");
		}
		Bytes value = put.ignoreValue() ? existing.kv().value() : put.value();
		long lease = put.ignoreLease() ? existing.kv().lease() : put.lease();
		if (lease != 0 && !dsl.fetchExists(REGISTRY_LEASE, REGISTRY_LEASE.ID.eq(lease))) {
			throw RegistryException.leaseNotFound();
		}
		long revision = w.revision();
		int sub = w.nextSub();
		long createRevision = existing == null ? revision : existing.kv().createRevision();
		long version = existing == null ? 1 : existing.kv().version() + 1;
		byte[] key = put.key().unsafeArray();
		if (existing == null) {
			dsl.insertInto(REGISTRY_KEY)
					.set(REGISTRY_KEY.KEY_BYTES, key)
					.set(REGISTRY_KEY.VALUE_BYTES, value.unsafeArray())
					.set(REGISTRY_KEY.CREATE_REVISION, createRevision)
					.set(REGISTRY_KEY.MOD_REVISION, revision)
					.set(REGISTRY_KEY.MOD_SUB_REVISION, sub)
					.set(REGISTRY_KEY.VERSION, version)
					.set(REGISTRY_KEY.LEASE_ID, lease)
					.execute();
		}
		else {
			dsl.update(REGISTRY_KEY)
					.set(REGISTRY_KEY.VALUE_BYTES, value.unsafeArray())
					.set(REGISTRY_KEY.MOD_REVISION, revision)
					.set(REGISTRY_KEY.MOD_SUB_REVISION, sub)
					.set(REGISTRY_KEY.VERSION, version)
					.set(REGISTRY_KEY.LEASE_ID, lease)
					.where(REGISTRY_KEY.KEY_BYTES.eq(key))
					.execute();
		}
		var h = REGISTRY_KEY_HISTORY;
		dsl.insertInto(h)
				.set(h.MOD_REVISION, revision)
				.set(h.SUB_REVISION, sub)
				.set(h.KEY_BYTES, key)
				.set(h.VALUE_BYTES, value.unsafeArray())
				.set(h.CREATE_REVISION, createRevision)
				.set(h.VERSION, version)
				.set(h.LEASE_ID, lease)
				.set(h.PREV_MOD_REVISION, existing == null ? null : existing.kv().modRevision())
				.set(h.PREV_SUB_REVISION, existing == null ? null : existing.modSub())
				.execute();
		return new PutResult(revision, put.prevKv() && existing != null ? existing.kv() : null);
	}

	private DeleteResult delete(Writer w, Delete delete) {
		List<Stored> doomed = stored(KeyColumns.in(REGISTRY_KEY.KEY_BYTES, delete.range()));
		deleteKeys(w, doomed);
		return new DeleteResult(w.revisionSoFar(), doomed.size(),
				delete.prevKv() ? doomed.stream().map(Stored::kv).toList() : List.of());
	}

	/** Deletes the keys attached to a lease, recording each delete; the lease revoke and expiry path. */
	int deleteKeysOfLease(Writer w, long lease) {
		List<Stored> doomed = stored(REGISTRY_KEY.LEASE_ID.eq(lease));
		deleteKeys(w, doomed);
		return doomed.size();
	}

	private void deleteKeys(Writer w, List<Stored> doomed) {
		if (doomed.isEmpty()) {
			return;
		}
		var h = REGISTRY_KEY_HISTORY;
		var inserts = dsl.batch(dsl.insertInto(h, h.MOD_REVISION, h.SUB_REVISION, h.KEY_BYTES, h.CREATE_REVISION,
				h.VERSION, h.TOMBSTONE, h.PREV_MOD_REVISION, h.PREV_SUB_REVISION)
				.values((Long) null, null, null, null, null, null, null, null));
		var deletes = dsl.batch(dsl.deleteFrom(REGISTRY_KEY).where(REGISTRY_KEY.KEY_BYTES.eq((byte[]) null)));
		long revision = w.revision();
		for (Stored s : doomed) {
			byte[] key = s.kv().key().unsafeArray();
			inserts.bind(revision, w.nextSub(), key, 0L, 0L, true, s.kv().modRevision(), s.modSub());
			deletes.bind((Object) key);
		}
		deletes.execute();
		inserts.execute();
	}

	private TxnResult txn(Writer w, Txn txn) {
		boolean succeeded = txn.compares().stream().allMatch(c -> c.holdsFor(current(c.range())));
		List<OpResult> results = new ArrayList<>();
		for (Op op : succeeded ? txn.success() : txn.failure()) {
			results.add(switch (op) {
				case RangeQuery query -> range(query, new Positions(w.revisionSoFar(), w.compactRevision));
				case Put put -> put(w, put);
				case Delete delete -> delete(w, delete);
				case Txn nested -> txn(w, nested);
			});
		}
		return new TxnResult(w.revisionSoFar(), succeeded, results);
	}

	private List<KeyValue> current(KeyRange range) {
		return stored(KeyColumns.in(REGISTRY_KEY.KEY_BYTES, range)).stream().map(Stored::kv).toList();
	}

	private @Nullable Stored stored(Bytes key) {
		List<Stored> found = stored(REGISTRY_KEY.KEY_BYTES.eq(key.unsafeArray()));
		return found.isEmpty() ? null : found.getFirst();
	}

	private List<Stored> stored(Condition condition) {
		var k = REGISTRY_KEY;
		return dsl.selectFrom(k)
				.where(condition)
				.orderBy(k.KEY_BYTES)
				.fetch(r -> new Stored(new KeyValue(Bytes.wrap(r.getKeyBytes()), Bytes.wrap(r.getValueBytes()),
						r.getCreateRevision(), r.getModRevision(), r.getVersion(), r.getLeaseId()),
						r.getModSubRevision()));
	}

	/**
	 * etcd's checks before a transaction runs: at most {@value #MAX_TXN_OPS} operations per branch, and no key put
	 * twice, or put and deleted, in what one branch can apply.
	 */
	private static void checkTxn(Txn txn) {
		if (txn.compares().size() > MAX_TXN_OPS || txn.success().size() > MAX_TXN_OPS
				|| txn.failure().size() > MAX_TXN_OPS) {
			throw RegistryException.invalidArgument("too many operations in txn request");
		}
		checkBranch(txn.success());
		checkBranch(txn.failure());
	}

	private static Set<Bytes> checkBranch(List<Op> ops) {
		Set<Bytes> puts = new HashSet<>();
		List<KeyRange> deletes = new ArrayList<>();
		for (Op op : ops) {
			switch (op) {
				case Put put -> {
					if (!puts.add(put.key())) {
						throw duplicateKey();
					}
				}
				case Delete delete -> deletes.add(delete.range());
				case Txn nested -> {
					checkTxn(nested);
					Set<Bytes> nestedPuts = new HashSet<>(checkBranch(nested.success()));
					nestedPuts.addAll(checkBranch(nested.failure()));
					for (Bytes key : nestedPuts) {
						if (!puts.add(key)) {
							throw duplicateKey();
						}
					}
				}
				case RangeQuery ignored -> {
				}
			}
		}
		if (deletes.stream().anyMatch(range -> puts.stream().anyMatch(range::contains))) {
			throw duplicateKey();
		}
		return puts;
	}

	private static RegistryException duplicateKey() {
		return RegistryException.invalidArgument("duplicate key given in txn request");
	}

	/** A live key with the sub-revision of its last write, which history rows of the next write point to. */
	private record Stored(KeyValue kv, int modSub) {
	}

	/** One write transaction's position: the revision it read, and the writes it has made at the next one. */
	static final class Writer {

		final long current;

		final long compactRevision;

		private int subRevisions;

		Writer(long current, long compactRevision) {
			this.current = current;
			this.compactRevision = compactRevision;
		}

		long revision() {
			return current + 1;
		}

		int nextSub() {
			return subRevisions++;
		}

		boolean changed() {
			return subRevisions > 0;
		}

		/** The store's revision as this transaction has left it so far. */
		long revisionSoFar() {
			return changed() ? revision() : current;
		}
	}
}
