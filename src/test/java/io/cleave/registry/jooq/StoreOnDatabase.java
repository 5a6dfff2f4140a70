package io.cleave.registry.jooq;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import io.cleave.testing.EmbeddedPostgresServer;

import org.flywaydb.core.Flyway;
import org.jooq.DSLContext;
import org.jooq.ExecuteListener;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.jooq.impl.DefaultConfiguration;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The embedded store on a fresh database of its own — H2 in memory or a new PostgreSQL database — wired as Cleave
 * wires it (Spring-managed transactions, jOOQ on the transaction's connection), with a clock the test moves.
 */
public final class StoreOnDatabase implements AutoCloseable {

	/** The databases the embedded store runs on. */
	public enum Database {
		H2, POSTGRESQL
	}

	public final Database database;

	public final TestClock clock = new TestClock();

	public final PlatformTransactionManager transactions;

	public final DSLContext dsl;

	/** Statements run through {@link #dsl} (a batch counts once); the put path's plain JDBC ones are not counted. */
	public final AtomicInteger statements = new AtomicInteger();

	public final JooqKeyValueStore store;

	public final JooqLeases leases;

	private final HikariDataSource pool;

	public StoreOnDatabase(Database database) {
		this.database = database;
		String name = "store_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		pool = new HikariDataSource();
		pool.setMaximumPoolSize(16);
		if (database == Database.H2) {
			pool.setJdbcUrl("jdbc:h2:mem:" + name + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
					+ "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
		}
		else {
			pool.setJdbcUrl(EmbeddedPostgresServer.createDatabase(name));
			pool.setUsername("postgres");
		}
		Flyway.configure().dataSource(pool).locations("classpath:db/migration/registry").load().migrate();
		DataSource transactional = new TransactionAwareDataSourceProxy(pool);
		transactions = new DataSourceTransactionManager(pool);
		dsl = DSL.using(new DefaultConfiguration()
				.set(transactional)
				.set(database == Database.H2 ? SQLDialect.H2 : SQLDialect.POSTGRES)
				.set(ExecuteListener.onExecuteStart(context -> statements.incrementAndGet())));
		store = new JooqKeyValueStore(dsl, transactions, clock);
		leases = new JooqLeases(dsl, store, clock, transactions);
	}

	@Override
	public void close() {
		if (database == Database.H2) {
			try (var c = pool.getConnection(); var s = c.createStatement()) {
				s.execute("shutdown");
			}
			catch (java.sql.SQLException ex) {
				// closing anyway
			}
		}
		pool.close();
	}

	/**
	 * A clock at a fixed instant, moved by the test; it can run a hook when a chosen thread reads it, to stage a race
	 * at that exact point.
	 */
	public static final class TestClock implements InstantSource {

		private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

		private volatile @Nullable Consumer<Thread> onRead;

		private final ThreadLocal<@Nullable Instant> onThisThread = new ThreadLocal<>();

		@Override
		public Instant instant() {
			Consumer<Thread> hook = onRead;
			if (hook != null) {
				hook.accept(Thread.currentThread());
			}
			Instant local = onThisThread.get();
			return local != null ? local : now;
		}

		/** Runs {@code action} seeing {@code instant} on this thread, whatever the others see. */
		<T> T at(Instant instant, java.util.function.Supplier<T> action) {
			onThisThread.set(instant);
			try {
				return action.get();
			}
			finally {
				onThisThread.remove();
			}
		}

		void advance(Duration duration) {
			now = now.plus(duration);
		}

		void set(Instant instant) {
			now = instant;
		}

		Instant now() {
			return now;
		}

		void onRead(@Nullable Consumer<Thread> hook) {
			onRead = hook;
		}
	}
}
