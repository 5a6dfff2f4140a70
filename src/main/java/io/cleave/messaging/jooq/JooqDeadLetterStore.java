package io.cleave.messaging.jooq;

import static io.cleave.messaging.jooq.schema.Tables.MESSAGING_DEAD_LETTER;
import static io.cleave.messaging.jooq.schema.Tables.MESSAGING_OUTBOX;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import io.cleave.messaging.DeadLetters.DeadLetter;
import io.cleave.messaging.MessageId;
import io.cleave.messaging.bus.DeadLetterStore;
import io.cleave.messaging.bus.Messages;
import io.cleave.messaging.transport.Envelope;

import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.jspecify.annotations.Nullable;

import io.cleave.messaging.jooq.schema.tables.records.MessagingDeadLetterRecord;

/** Dead letters in {@code messaging_dead_letter}. */
final class JooqDeadLetterStore implements DeadLetterStore {

	private final DSLContext dsl;

	private final Messages messages;

	JooqDeadLetterStore(DSLContext dsl, Messages messages) {
		this.dsl = dsl;
		this.messages = messages;
	}

	@Override
	public void add(Envelope envelope, int attempts, String error) {
		dsl.insertInto(MESSAGING_DEAD_LETTER)
				.set(MESSAGING_DEAD_LETTER.MESSAGE_ID, envelope.id().value())
				.set(MESSAGING_DEAD_LETTER.QUEUE, envelope.queue())
				.set(MESSAGING_DEAD_LETTER.TOPIC, envelope.topic())
				.set(MESSAGING_DEAD_LETTER.BODY, messages.write(envelope.message()))
				.set(MESSAGING_DEAD_LETTER.ATTEMPTS, attempts)
				.set(MESSAGING_DEAD_LETTER.ERROR, error)
				.set(MESSAGING_DEAD_LETTER.FAILED_AT, OffsetDateTime.now(ZoneOffset.UTC))
				.onConflict(MESSAGING_DEAD_LETTER.QUEUE, MESSAGING_DEAD_LETTER.MESSAGE_ID)
				.doNothing() // already a dead letter: this is its redelivery after a crash
				.execute();
	}

	@Override
	public List<DeadLetter> list(@Nullable String queue, int limit) {
		Condition ofQueue = queue == null ? DSL.noCondition() : MESSAGING_DEAD_LETTER.QUEUE.eq(queue);
		return dsl.selectFrom(MESSAGING_DEAD_LETTER)
				.where(ofQueue)
				.orderBy(MESSAGING_DEAD_LETTER.ID)
				.limit(limit)
				.fetch(this::deadLetter);
	}

	@Override
	public Optional<DeadLetter> find(long id) {
		return dsl.selectFrom(MESSAGING_DEAD_LETTER)
				.where(MESSAGING_DEAD_LETTER.ID.eq(id))
				.fetchOptional(this::deadLetter);
	}

	@Override
	public Optional<String> resubmit(long id) {
		return dsl.transactionResult(transaction -> {
			DSLContext tx = transaction.dsl();
			MessagingDeadLetterRecord letter = tx.selectFrom(MESSAGING_DEAD_LETTER)
					.where(MESSAGING_DEAD_LETTER.ID.eq(id))
					.forUpdate()
					.fetchOne();
			if (letter == null) {
				return Optional.empty();
			}
			tx.insertInto(MESSAGING_OUTBOX)
					.set(MESSAGING_OUTBOX.MESSAGE_ID, letter.getMessageId())
					.set(MESSAGING_OUTBOX.QUEUE, letter.getQueue())
					.set(MESSAGING_OUTBOX.TOPIC, letter.getTopic())
					.set(MESSAGING_OUTBOX.BODY, letter.getBody())
					.set(MESSAGING_OUTBOX.CREATED_AT, OffsetDateTime.now(ZoneOffset.UTC))
					.execute();
			tx.deleteFrom(MESSAGING_DEAD_LETTER)
					.where(MESSAGING_DEAD_LETTER.ID.eq(id))
					.execute();
			return Optional.of(letter.getQueue());
		});
	}

	@Override
	public boolean discard(long id) {
		return dsl.deleteFrom(MESSAGING_DEAD_LETTER)
				.where(MESSAGING_DEAD_LETTER.ID.eq(id))
				.execute() == 1;
	}

	@Override
	public long count() {
		return dsl.fetchCount(MESSAGING_DEAD_LETTER);
	}

	private DeadLetter deadLetter(MessagingDeadLetterRecord row) {
		return new DeadLetter(row.getId(), new MessageId(row.getMessageId()), row.getQueue(),
				messages.read(row.getBody()), row.getAttempts(), row.getError(), row.getFailedAt().toInstant());
	}
}
