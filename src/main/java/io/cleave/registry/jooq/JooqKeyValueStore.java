package io.cleave.registry.jooq;

import static io.cleave.registry.jooq.schema.Tables.REGISTRY_KEY;
import static io.cleave.registry.jooq.schema.Tables.REGISTRY_KEY_HISTORY;
import static io.cleave.registry.jooq.schema.Tables.REGISTRY_LEASE;
import static io.cleave.registry.jooq.schema.Tables.REGISTRY_REVISION;
import static org.jooq.impl.DSL.exists;
import static org.jooq.impl.DSL.selectOne;

import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
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
import io.cleave.registry.internal.AsyncWrites;
import io.cleave.registry.internal.EventLog;
import io.cleave.registry.jooq.schema.tables.RegistryKeyHistory;

import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jspecify.annotations.Nullable;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The embedded key-value store: etcd's MVCC model in SQL. Writers serialize on the single revision row (and, within
 * one JVM, on a lock in front of it), so revisions commit in order and nodes sharing one PostgreSQL database never
 * interleave; writes that arrive together share one commit (group commit), each still getting its own revision.
 * Reads run in one snapshot of the whole database, so a response's revision matches its keys and its count. Reads and
 * writes always run in transactions of their own, never in a caller's.
 */
public final class JooqKeyValueStore implements KeyValueStore, AsyncWrites, EventLog {

	/** Bounds one group commit, so a burst of writers does not make one transaction huge. */
	private static final int MAX_WRITES_PER_COMMIT = PutStatements.MAX_ROWS;

	private final DSLContext dsl;

	private final TransactionTemplate writes;

	private final TransactionTemplate reads;

	private final InstantSource clock;

	private final PutStatements statements;

	/**
	 * Commits asynchronous writes left queued when a waiting caller gives up the group commit's seat (its caller
	 * returns instead of committing them): one thread at most, started when needed and gone when idle.
	 */
	private final Executor drainer = drainer();

	private final GroupCommit<PendingWrite<?>> groupCommit = new GroupCommit<>(MAX_WRITES_PER_COMMIT, this::commit,
			drainer);

	private final List<Consumer<EventLog.Commit>> commitListeners = new CopyOnWriteArrayList<>();

	/**
	 * The events of the batch being applied, in revision order; only the committing caller (who holds the group
	 * commit's seat) touches it.
	 */
	private final List<WatchEvent> batchEvents = new ArrayList<>();

	/** The writes of the puts ending the batch being applied, made with the revision's move; the committer's too. */
	private final Map<Bytes, KeyValue> deferredKeys = new LinkedHashMap<>();

	private final List<PutStatements.HistoryRow> deferredHistory = new ArrayList<>();

	/** The highest revision this node has committed or read; what response headers that need no read carry. */
	private final AtomicLong latestRevision = new AtomicLong();

	/**
	 * @param clock what lease deadlines are compared with (the leases' clock)
	 */
	public JooqKeyValueStore(DSLContext dsl, PlatformTransactionManager transactions, InstantSource clock) {
		this.dsl = dsl;
		this.clock = clock;
		this.statements = new PutStatements(dsl.dialect());
		// A registry write is acknowledged when it is durable: it must not join, wait for or roll back with a
		// transaction its caller happens to be in (which would also hold the revision row until that commits).
		this.writes = new TransactionTemplate(transactions);
		this.writes.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		this.reads = new TransactionTemplate(transactions);
		this.reads.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		// PostgreSQL's repeatable read is one snapshot of the database; H2's takes a snapshot of each table when the
		// transaction first reads it, so the revision row and the keys could come from different moments. H2's
		// serializable is its database-wide snapshot, and readers still block no writer.
		this.reads.setIsolationLevel(dsl.dialect().family() == SQLDialect.H2
				? TransactionDefinition.ISOLATION_SERIALIZABLE : TransactionDefinition.ISOLATION_REPEATABLE_READ);
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
		if (put.ignoreValue() || put.ignoreLease()) {
			return write(w -> put(w, put));
		}
		return enqueue(new PendingWrite<PutResult>(null, put, true));
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

	// AsyncWrites: the same writes, queued for the same group commit without a thread waiting for each.

	@Override
	public CompletableFuture<PutResult> putAsync(Put put) {
		if (put.ignoreValue() || put.ignoreLease()) {
			return writeAsync(w -> put(w, put));
		}
		return enqueueAsync(new PendingWrite<PutResult>(null, put, false));
	}

	@Override
	public CompletableFuture<DeleteResult> deleteAsync(Delete delete) {
		return writeAsync(w -> delete(w, delete));
	}

	@Override
	public CompletableFuture<TxnResult> txnAsync(Txn txn) {
		checkTxn(txn);
		return writeAsync(w -> txn(w, txn));
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
			w.compactRevision = revision; // counts as a change: watchers behind the compaction must hear of it
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
		Positions positions = dsl.select(REGISTRY_REVISION.REVISION, REGISTRY_REVISION.COMPACT_REVISION)
				.from(REGISTRY_REVISION)
				.where(REGISTRY_REVISION.ID.eq((short) 1))
				.fetchSingle(r -> new Positions(r.value1(), r.value2()));
		latestRevision.accumulateAndGet(positions.revision(), Math::max);
		return positions;
	}

	/**
	 * The latest revision this node knows of without a query: its own last commit, or the last revision it read —
	 * the watch hub reads it at every commit and poll, so commits of other nodes sharing the database show within a
	 * poll interval.
	 */
	@Override
	public long latestRevision() {
		long known = latestRevision.get();
		return known > 0 ? known : positions().revision();
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
	public void onCommit(Consumer<EventLog.Commit> listener) {
		commitListeners.add(listener);
	}

	// The write path, shared with the leases.

	/**
	 * Runs {@code work} as one write: it holds the revision row, and every change it makes gets the next revision. If
	 * it changes nothing the revision stays; if it throws, nothing of it is applied. Writes that arrive while another
	 * batch is being committed are committed together, in one transaction, by whichever caller gets there first
	 * (group commit, as {@link JooqLeases#keepAlive} does): each still gets its own revision and is acknowledged only
	 * once the commit is durable, but the batch pays for one commit instead of one each.
	 */
	<T> T write(Function<Writer, T> work) {
		return enqueue(new PendingWrite<>(work, null, true));
	}

	private <T> T enqueue(PendingWrite<T> mine) {
		return groupCommit.submit(mine, mine.result);
	}

	/** {@link #write}, without waiting: the result completes once the write is durable (or failed). */
	private <T> CompletableFuture<T> writeAsync(Function<Writer, T> work) {
		return enqueueAsync(new PendingWrite<>(work, null, false));
	}

	private <T> CompletableFuture<T> enqueueAsync(PendingWrite<T> mine) {
		groupCommit.submitAsync(mine);
		return mine.result;
	}

	private static Executor drainer() {
		return new ThreadPoolExecutor(0, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
				Thread.ofPlatform().daemon().name("registry-commit").factory());
	}

	private void commit(List<PendingWrite<?>> batch) {
		List<PendingWrite<?>> applied = new ArrayList<>(batch);
		long[] start = new long[1];
		boolean[] compacted = new boolean[1];
		try {
			while (true) {
				// A write that fails (a missing lease, a compacted revision…) must leave no trace, while the others
				// in its batch commit: roll the batch back and run it again without the failed one. Failures are
				// rare, so this costs less than a savepoint around every write.
				PendingWrite<?> failed = writes.execute(status -> {
					PendingWrite<?> failure = apply(applied, start, compacted);
					if (failure != null) {
						status.setRollbackOnly();
					}
					return failure;
				});
				if (failed == null) {
					break;
				}
				applied.remove(failed);
				if (applied.isEmpty()) {
					break;
				}
			}
		}
		catch (RuntimeException failure) { // the database failed: nothing of the batch was applied
			batch.forEach(w -> w.fail(w.failure != null ? w.failure : failure));
			return;
		}
		long revision = applied.stream().mapToLong(w -> w.revisionAfter).max().orElse(0);
		if (applied.stream().anyMatch(w -> w.changed)) {
			latestRevision.accumulateAndGet(revision, Math::max);
			// Durable now, and still in revision order: the next batch waits for this caller to give up the seat.
			notifyCommitted(new EventLog.Commit(start[0] + 1, Math.max(revision, start[0]), batchEvents,
					compacted[0]));
		}
		batchEvents.clear();
		batch.forEach(PendingWrite::complete);
	}

	/** Writes waiting to be committed; for tests that stage a group commit. */
	int writeQueueLength() {
		return groupCommit.queueLength();
	}

	/** Whether a batch of writes is being committed; for tests that stage a group commit. */
	boolean writeLockHeld() {
		return groupCommit.committing();
	}

	/**
	 * Applies the writes in order, each at the revision after the one before, collecting their events; the first that
	 * failed, if any.
	 *
	 * @param startOut set to the revision before the batch
	 * @param compactedOut set to whether the batch moved the compaction revision
	 */
	private @Nullable PendingWrite<?> apply(List<PendingWrite<?>> batch, long[] startOut, boolean[] compactedOut) {
		batchEvents.clear(); // this may be a second attempt
		deferredKeys.clear();
		deferredHistory.clear();
		long[] row = dsl.connectionResult(statements::lockRevision);
		long start = row[0];
		long current = start;
		long compactRevision = row[1];
		startOut[0] = start;
		for (PendingWrite<?> pending : batch) { // this may be a second attempt
			pending.changed = false;
			pending.revisionAfter = 0;
		}
		for (int i = 0; i < batch.size();) {
			if (batch.get(i).put != null) {
				int end = i;
				while (end < batch.size() && batch.get(end).put != null) {
					end++;
				}
				current = putAll(batch.subList(i, end), current, end == batch.size());
				i = end;
				continue;
			}
			PendingWrite<?> pending = batch.get(i++);
			Writer writer = new Writer(current, compactRevision, batchEvents);
			try {
				pending.apply(writer);
			}
			catch (RuntimeException ex) { // its own failure (or the database's: then the next one fails too)
				pending.failure = ex;
				return pending;
			}
			pending.changed = writer.changed() || writer.compactRevision != compactRevision;
			current = writer.revisionSoFar();
			compactRevision = writer.compactRevision;
			pending.revisionAfter = current;
		}
		compactedOut[0] = compactRevision != row[1];
		long revision = current;
		if (!deferredKeys.isEmpty()) {
			dsl.connection(c -> statements.writeAndSetRevision(c, deferredKeys.values(), deferredHistory, revision));
		}
		else if (current != start) {
			dsl.connection(c -> statements.setRevision(c, revision));
		}
		return null;
	}

	/**
	 * Applies consecutive plain puts — the bulk of any write load — with a handful of statements for all of them
	 * instead of three each: one read of the keys and one of the leases they name, then one upsert of the keys and one
	 * insert of their history ({@link PutStatements}). Each put gets its own revision, in order, as if applied one by
	 * one; one naming a lease that is gone fails alone, having written nothing.
	 *
	 * @param last whether the run ends the batch: its writes are then left for {@link #apply}, which makes them with
	 *     the revision's move
	 * @return the revision after the last put
	 */
	private long putAll(List<PendingWrite<?>> run, long revisionBefore, boolean last) {
		Map<Bytes, Stored> state = new HashMap<>();
		List<Bytes> keys = run.stream().map(p -> p.put.key()).distinct().toList();
		dsl.connectionResult(c -> statements.keys(c, keys)).forEach(s -> state.put(s.kv().key(), s));
		Set<Long> alive = liveLeases(run.stream().map(p -> p.put.lease()).filter(l -> l != 0).distinct().toList());
		List<PutStatements.HistoryRow> history = last ? deferredHistory : new ArrayList<>(run.size());
		Map<Bytes, KeyValue> written = last ? deferredKeys : new LinkedHashMap<>();
		long revision = revisionBefore;
		for (PendingWrite<?> pending : run) {
			Put put = pending.put;
			pending.failure = null;
			if (put.lease() != 0 && !alive.contains(put.lease())) {
				pending.failure = RegistryException.leaseNotFound();
				continue;
			}
			revision++;
			@Nullable Stored existing = state.get(put.key());
			KeyValue kv = new KeyValue(put.key(), put.value(),
					existing == null ? revision : existing.kv().createRevision(), revision,
					existing == null ? 1 : existing.kv().version() + 1, put.lease());
			history.add(new PutStatements.HistoryRow(kv, existing));
			state.put(put.key(), new Stored(kv, 0));
			written.put(put.key(), kv); // each key's last write in the run is its state now
			batchEvents.add(new WatchEvent(WatchEvent.Type.PUT, kv, existing == null ? null : existing.kv()));
			pending.outcome = new PutResult(revision, put.prevKv() && existing != null ? existing.kv() : null);
			pending.changed = true;
			pending.revisionAfter = revision;
		}
		if (written.isEmpty() || last) {
			return revision;
		}
		dsl.connection(c -> {
			statements.upsertKeys(c, written.values());
			statements.insertHistory(c, history);
		});
		return revision;
	}

	/**
	 * Which of {@code leases} are alive. A lease past its deadline is gone, swept or not (etcd revokes it at its
	 * deadline); the writes asking hold the revision row, so they cannot interleave with the sweep that deletes its keys.
	 */
	private Set<Long> liveLeases(List<Long> leases) {
		if (leases.isEmpty()) {
			return Set.of();
		}
		return new HashSet<>(dsl.select(REGISTRY_LEASE.ID)
				.from(REGISTRY_LEASE)
				.where(REGISTRY_LEASE.ID.in(leases))
				.and(REGISTRY_LEASE.EXPIRES_AT.gt(clock.instant().atOffset(ZoneOffset.UTC)))
				.fetch(REGISTRY_LEASE.ID));
	}

	/** One caller's write, run and completed by whichever caller commits its batch. */
	private static final class PendingWrite<T> extends GroupCommit.Member<T> {

		/** What to do: a function of the transaction's position, or (the fast path) a plain put. */
		final @Nullable Function<Writer, T> work;

		final @Nullable Put put;

		/** Set by the committing caller, read once it has committed. */
		@Nullable Object outcome;

		@Nullable RuntimeException failure;

		long revisionAfter;

		boolean changed;

		PendingWrite(@Nullable Function<Writer, T> work, @Nullable Put put, boolean waits) {
			super(waits);
			this.work = work;
			this.put = put;
		}

		void apply(Writer writer) {
			failure = null;
			outcome = work.apply(writer);
		}

		@SuppressWarnings("unchecked") // a plain put's outcome is its PutResult, and T is PutResult then
		void complete() {
			if (failure != null) {
				fail(failure);
			}
			else {
				succeed((T) outcome);
			}
		}
	}

	private void notifyCommitted(EventLog.Commit commit) {
		commitListeners.forEach(listener -> listener.accept(commit));
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
		if (lease != 0 && liveLeases(List.of(lease)).isEmpty()) {
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
		w.events.add(new WatchEvent(WatchEvent.Type.PUT, new KeyValue(put.key(), value, createRevision, revision,
				version, lease), existing == null ? null : existing.kv()));
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
			w.events.add(new WatchEvent(WatchEvent.Type.DELETE,
					new KeyValue(s.kv().key(), Bytes.EMPTY, 0, revision, 0, 0), s.kv()));
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
	 * etcd's checks before a transaction runs: no key put twice, or put and deleted, in what one branch can apply.
	 * The number of operations is limited before the store sees the request ({@code cleave.registry.limits.txn-ops},
	 * checked by {@code LimitedKeyValueStore} at every entrance).
	 */
	private static void checkTxn(Txn txn) {
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
	record Stored(KeyValue kv, int modSub) {
	}

	/** One write transaction's position: the revision it read, and the writes it has made at the next one. */
	static final class Writer {

		final long current;

		/** Moved by a compaction in this write. */
		long compactRevision;

		/** Where the events of this write go, in order. */
		final List<WatchEvent> events;

		private int subRevisions;

		Writer(long current, long compactRevision, List<WatchEvent> events) {
			this.current = current;
			this.compactRevision = compactRevision;
			this.events = events;
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
