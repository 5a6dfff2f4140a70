package io.cleave.messaging.jooq;

import static io.cleave.messaging.jooq.schema.Tables.MESSAGING_PROCESSED;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import io.cleave.messaging.MessageId;
import io.cleave.messaging.bus.ProcessedMessages;

import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** Processed message ids in {@code messaging_processed}, one row per queue and id. */
final class JooqProcessedMessages implements ProcessedMessages {

	private final DSLContext dsl;

	JooqProcessedMessages(DSLContext dsl) {
		this.dsl = dsl;
	}

	@Override
	public boolean markProcessed(String queue, MessageId id) {
		return dsl.insertInto(MESSAGING_PROCESSED)
				.set(MESSAGING_PROCESSED.QUEUE, queue)
				.set(MESSAGING_PROCESSED.MESSAGE_ID, id.value())
				.set(MESSAGING_PROCESSED.PROCESSED_AT, OffsetDateTime.now(ZoneOffset.UTC))
				.onConflictDoNothing()
				.execute() == 1;
	}

	@Override
	public int forgetProcessedBefore(Instant cutoff, int limit) {
		// A bounded batch (both databases take a row value IN a limited select), so a purge after a long pause never
		// holds one huge transaction.
		return dsl.deleteFrom(MESSAGING_PROCESSED)
				.where(DSL.row(MESSAGING_PROCESSED.QUEUE, MESSAGING_PROCESSED.MESSAGE_ID)
						.in(DSL.select(MESSAGING_PROCESSED.QUEUE, MESSAGING_PROCESSED.MESSAGE_ID)
								.from(MESSAGING_PROCESSED)
								.where(MESSAGING_PROCESSED.PROCESSED_AT.lt(cutoff.atOffset(ZoneOffset.UTC)))
								.limit(limit)))
				.execute();
	}
}
