package io.cleave.messaging.jooq;

import static io.cleave.messaging.jooq.schema.Tables.MESSAGING_QUEUE;

import java.util.HashSet;
import java.util.Set;

import io.cleave.messaging.bus.QueueStates;

import org.jooq.DSLContext;

/** Disabled queues in {@code messaging_queue}. */
final class JooqQueueStates implements QueueStates {

	private final DSLContext dsl;

	JooqQueueStates(DSLContext dsl) {
		this.dsl = dsl;
	}

	@Override
	public Set<String> disabled() {
		return new HashSet<>(dsl.select(MESSAGING_QUEUE.NAME)
				.from(MESSAGING_QUEUE)
				.where(MESSAGING_QUEUE.ENABLED.isFalse())
				.fetch(MESSAGING_QUEUE.NAME));
	}

	@Override
	public void setEnabled(String queue, boolean enabled) {
		dsl.insertInto(MESSAGING_QUEUE)
				.set(MESSAGING_QUEUE.NAME, queue)
				.set(MESSAGING_QUEUE.ENABLED, enabled)
				.onConflict(MESSAGING_QUEUE.NAME)
				.doUpdate()
				.set(MESSAGING_QUEUE.ENABLED, enabled)
				.execute();
	}
}
