package io.cleave.registry.jooq;

import static io.cleave.registry.jooq.schema.Tables.REGISTRY_KEY;
import static io.cleave.registry.jooq.schema.Tables.REGISTRY_LEASE;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import io.cleave.registry.Bytes;
import io.cleave.registry.Lease;
import io.cleave.registry.LeaseInfo;
import io.cleave.registry.Leases;
import io.cleave.registry.RegistryException;
import io.cleave.registry.jooq.schema.tables.records.RegistryLeaseRecord;

import org.jooq.DSLContext;
import org.jspecify.annotations.Nullable;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Leases in the embedded store. A lease's deadline is a stored instant: keep-alives move it, {@link #expireDue()}
 * revokes every lease past it — including those that ran out while the node was down — and a lease past its deadline
 * counts as gone even before that sweep reaches it.
 */
public final class JooqLeases implements Leases {

	private final DSLContext dsl;

	private final JooqKeyValueStore store;

	private final InstantSource clock;

	private final TransactionTemplate transactions;

	/** Unbounded batches: a renewal is one small row update, and a sweep of thousands at once is fine. */
	private final GroupCommit<Renewal> renewals = new GroupCommit<>(Integer.MAX_VALUE, this::commitRenewals);

	public JooqLeases(DSLContext dsl, JooqKeyValueStore store, InstantSource clock,
			PlatformTransactionManager transactions) {
		this.dsl = dsl;
		this.store = store;
		this.clock = clock;
		this.transactions = new TransactionTemplate(transactions);
		// Like the store's writes: never part of a caller's transaction.
		this.transactions.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
	}

	@Override
	public Lease grant(long id, long ttlSeconds) {
		Leases.requireValidTtl(ttlSeconds);
		if (id < 0) {
			throw RegistryException.invalidArgument("lease ID must not be negative, was " + id);
		}
		return transactions.execute(status -> {
			long leaseId = id;
			if (leaseId == 0) {
				do {
					leaseId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
				}
				while (find(leaseId) != null);
			}
			else if (find(leaseId) != null) {
				throw new RegistryException(RegistryException.Reason.FAILED_PRECONDITION, RegistryException.LEASE_EXISTS);
			}
			Instant now = clock.instant();
			dsl.insertInto(REGISTRY_LEASE)
					.set(REGISTRY_LEASE.ID, leaseId)
					.set(REGISTRY_LEASE.TTL_SECONDS, ttlSeconds)
					.set(REGISTRY_LEASE.GRANTED_AT, utc(now))
					.set(REGISTRY_LEASE.EXPIRES_AT, utc(now.plusSeconds(ttlSeconds)))
					.execute();
			return new Lease(leaseId, ttlSeconds);
		});
	}

	/**
	 * Renews a lease. Renewals that arrive while another batch is being committed are committed together, in one
	 * transaction, by whichever caller gets there first (group commit): with thousands of instances heartbeating,
	 * the store does one commit per batch, not one per renewal.
	 */
	@Override
	public Optional<Lease> keepAlive(long id) {
		Renewal renewal = new Renewal(id);
		return renewals.submit(renewal, renewal.result);
	}

	private void commitRenewals(List<Renewal> batch) {
		try {
			Map<Long, Long> renewed = transactions.execute(status -> {
				Map<Long, Long> ttls = new HashMap<>();
				// Locking the leases (in id order, so batches of several nodes cannot deadlock) makes a renewal and
				// an expiry of the same lease one after the other: a lease the sweep is deleting is waited for and
				// then not found, never renewed and acknowledged. The deadline is compared with the time after the
				// lock is held.
				var locked = dsl.select(REGISTRY_LEASE.ID, REGISTRY_LEASE.TTL_SECONDS, REGISTRY_LEASE.EXPIRES_AT)
						.from(REGISTRY_LEASE)
						.where(REGISTRY_LEASE.ID.in(batch.stream().map(r -> r.id).distinct().toList()))
						.orderBy(REGISTRY_LEASE.ID)
						.forUpdate()
						.fetch();
				Instant now = clock.instant();
				locked.forEach(r -> {
					if (r.value3().toInstant().isAfter(now)) {
						ttls.put(r.value1(), r.value2());
					}
				});
				var updates = dsl.batch(dsl.update(REGISTRY_LEASE)
						.set(REGISTRY_LEASE.EXPIRES_AT, (OffsetDateTime) null)
						.where(REGISTRY_LEASE.ID.eq((Long) null)));
				ttls.forEach((lease, ttl) -> updates.bind(utc(now.plusSeconds(ttl)), lease));
				if (!ttls.isEmpty()) {
					updates.execute();
				}
				return ttls;
			});
			for (Renewal r : batch) {
				Long ttl = renewed.get(r.id);
				r.succeed(ttl == null ? Optional.empty() : Optional.of(new Lease(r.id, ttl)));
			}
		}
		catch (RuntimeException failure) {
			batch.forEach(r -> r.fail(failure));
		}
	}

	/** Renewals waiting to be committed; for tests that stage a group commit. */
	int renewalQueueLength() {
		return renewals.queueLength();
	}

	/** One caller's renewal, completed by whichever caller commits its batch. */
	private static final class Renewal extends GroupCommit.Member<Optional<Lease>> {

		final long id;

		Renewal(long id) {
			super(true);
			this.id = id;
		}
	}

	@Override
	public void revoke(long id) {
		store.write(w -> {
			if (find(id) == null) {
				throw RegistryException.leaseNotFound();
			}
			return remove(w, id);
		});
	}

	@Override
	public Optional<LeaseInfo> timeToLive(long id, boolean withKeys) {
		Instant now = clock.instant();
		RegistryLeaseRecord lease = live(id, now);
		if (lease == null) {
			return Optional.empty();
		}
		List<Bytes> keys = withKeys ? dsl.select(REGISTRY_KEY.KEY_BYTES)
				.from(REGISTRY_KEY)
				.where(REGISTRY_KEY.LEASE_ID.eq(id))
				.orderBy(REGISTRY_KEY.KEY_BYTES)
				.fetch(r -> Bytes.wrap(r.value1())) : List.of();
		long remaining = Duration.between(now, lease.getExpiresAt().toInstant()).toSeconds();
		return Optional.of(new LeaseInfo(id, remaining, lease.getTtlSeconds(), keys));
	}

	@Override
	public List<Long> list() {
		return dsl.select(REGISTRY_LEASE.ID)
				.from(REGISTRY_LEASE)
				.where(REGISTRY_LEASE.EXPIRES_AT.gt(utc(clock.instant())))
				.orderBy(REGISTRY_LEASE.ID)
				.fetch(r -> r.value1());
	}

	/**
	 * Revokes every lease whose deadline has passed, deleting its keys with watch events. Safe to run on several
	 * nodes sharing one database: each revoke re-checks the deadline while holding the revision row.
	 *
	 * @return how many leases expired
	 */
	public int expireDue() {
		List<Long> due = dsl.select(REGISTRY_LEASE.ID)
				.from(REGISTRY_LEASE)
				.where(REGISTRY_LEASE.EXPIRES_AT.le(utc(clock.instant())))
				.fetch(r -> r.value1());
		int expired = 0;
		for (long id : due) {
			boolean gone = store.write(w -> {
				// Lock the lease, then look at its deadline: a renewal under way is waited for (and counts), one
				// that comes later waits for this delete and finds nothing. So what is deleted is exactly a lease
				// past its deadline at the moment of deletion, with the keys attached to it then.
				RegistryLeaseRecord lease = dsl.selectFrom(REGISTRY_LEASE)
						.where(REGISTRY_LEASE.ID.eq(id))
						.forUpdate()
						.fetchOne();
				if (lease == null || lease.getExpiresAt().toInstant().isAfter(clock.instant())) {
					return false; // revoked or kept alive meanwhile, maybe by another node
				}
				return remove(w, id);
			});
			expired += gone ? 1 : 0;
		}
		return expired;
	}

	private boolean remove(JooqKeyValueStore.Writer w, long id) {
		store.deleteKeysOfLease(w, id);
		dsl.deleteFrom(REGISTRY_LEASE).where(REGISTRY_LEASE.ID.eq(id)).execute();
		return true;
	}

	private @Nullable RegistryLeaseRecord find(long id) {
		return dsl.selectFrom(REGISTRY_LEASE).where(REGISTRY_LEASE.ID.eq(id)).fetchOne();
	}

	private @Nullable RegistryLeaseRecord live(long id, Instant now) {
		RegistryLeaseRecord lease = find(id);
		return lease == null || !lease.getExpiresAt().toInstant().isAfter(now) ? null : lease;
	}

	private static OffsetDateTime utc(Instant instant) {
		return instant.atOffset(ZoneOffset.UTC);
	}
}
