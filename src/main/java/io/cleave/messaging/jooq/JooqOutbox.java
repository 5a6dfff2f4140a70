package io.cleave.messaging.jooq;

import static io.cleave.messaging.jooq.schema.Tables.MESSAGING_OUTBOX;
import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.select;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.cleave.messaging.MessageId;
import io.cleave.messaging.bus.Messages;
import io.cleave.messaging.bus.Outbox;
import io.cleave.messaging.transport.Envelope;

import org.jspecify.annotations.Nullable;
import org.jooq.DSLContext;
import org.jooq.InsertValuesStep6;

import io.cleave.messaging.jooq.schema.tables.records.MessagingOutboxRecord;

/** The outbox in {@code messaging_outbox}: one row per message and destination queue. */
final class JooqOutbox implements Outbox {

	private final DSLContext dsl;

	private final Messages messages;

	JooqOutbox(DSLContext dsl, Messages messages) {
		this.dsl = dsl;
		this.messages = messages;
	}

	@Override
	public void append(List<Envelope> envelopes) {
		OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
		InsertValuesStep6<MessagingOutboxRecord, UUID, String, String, String, OffsetDateTime, String> insert = dsl
				.insertInto(MESSAGING_OUTBOX, MESSAGING_OUTBOX.MESSAGE_ID, MESSAGING_OUTBOX.QUEUE,
						MESSAGING_OUTBOX.TOPIC, MESSAGING_OUTBOX.BODY, MESSAGING_OUTBOX.CREATED_AT,
						MESSAGING_OUTBOX.HEADERS);
		String body = null;
		for (Envelope envelope : envelopes) {
			// publish's copies share one message: serialize it once
			body = body != null && envelopes.getFirst().message() == envelope.message() ? body
					: messages.write(envelope.message());
			insert = insert.values(envelope.id().value(), envelope.queue(), envelope.topic(), body, now,
					writeHeaders(envelope.headers()));
		}
		insert.execute();
	}

	@Override
	public List<Queued> claim(String queue, String node, int max) {
		UUID token = UUID.randomUUID();
		int claimed = dsl.update(MESSAGING_OUTBOX)
				.set(MESSAGING_OUTBOX.CLAIMED_BY, node)
				.set(MESSAGING_OUTBOX.CLAIM_TOKEN, token)
				.where(MESSAGING_OUTBOX.SEQ.in(select(MESSAGING_OUTBOX.SEQ)
						.from(MESSAGING_OUTBOX)
						.where(MESSAGING_OUTBOX.QUEUE.eq(queue))
						.and(MESSAGING_OUTBOX.CLAIMED_BY.isNull())
						.orderBy(MESSAGING_OUTBOX.SEQ)
						.limit(max)))
				.and(MESSAGING_OUTBOX.CLAIMED_BY.isNull()) // a competing node may have claimed it meanwhile
				.execute();
		if (claimed == 0) {
			return List.of();
		}
		return dsl.select(MESSAGING_OUTBOX.SEQ, MESSAGING_OUTBOX.MESSAGE_ID, MESSAGING_OUTBOX.QUEUE,
						MESSAGING_OUTBOX.TOPIC, MESSAGING_OUTBOX.BODY, MESSAGING_OUTBOX.HEADERS)
				.from(MESSAGING_OUTBOX)
				.where(MESSAGING_OUTBOX.CLAIM_TOKEN.eq(token))
				.orderBy(MESSAGING_OUTBOX.SEQ)
				.fetch(row -> new Queued(row.value1(), new Envelope(new MessageId(row.value2()), row.value3(),
						row.value4(), messages.read(row.value5()), readHeaders(row.value6()))));
	}

	private @Nullable String writeHeaders(Map<String, String> headers) {
		return headers.isEmpty() ? null : messages.mapper().writeValueAsString(headers);
	}

	private Map<String, String> readHeaders(@Nullable String headers) {
		if (headers == null) {
			return Map.of();
		}
		Map<String, String> read = new HashMap<>();
		messages.read(headers).properties().forEach(header -> read.put(header.getKey(), header.getValue().asString()));
		return read;
	}

	@Override
	public void remove(Collection<Long> seqs) {
		dsl.deleteFrom(MESSAGING_OUTBOX)
				.where(MESSAGING_OUTBOX.SEQ.in(seqs))
				.execute();
	}

	@Override
	public void unclaim(Collection<Long> seqs) {
		dsl.update(MESSAGING_OUTBOX)
				.setNull(MESSAGING_OUTBOX.CLAIMED_BY)
				.setNull(MESSAGING_OUTBOX.CLAIM_TOKEN)
				.where(MESSAGING_OUTBOX.SEQ.in(seqs))
				.execute();
	}

	@Override
	public int releaseClaims(String node) {
		return dsl.update(MESSAGING_OUTBOX)
				.setNull(MESSAGING_OUTBOX.CLAIMED_BY)
				.setNull(MESSAGING_OUTBOX.CLAIM_TOKEN)
				.where(MESSAGING_OUTBOX.CLAIMED_BY.eq(node))
				.execute();
	}

	@Override
	public Set<String> claimants() {
		return dsl.selectDistinct(MESSAGING_OUTBOX.CLAIMED_BY)
				.from(MESSAGING_OUTBOX)
				.where(MESSAGING_OUTBOX.CLAIMED_BY.isNotNull())
				.fetchSet(MESSAGING_OUTBOX.CLAIMED_BY);
	}

	@Override
	public Map<String, Long> depths() {
		return dsl.select(MESSAGING_OUTBOX.QUEUE, count())
				.from(MESSAGING_OUTBOX)
				.groupBy(MESSAGING_OUTBOX.QUEUE)
				.fetchMap(MESSAGING_OUTBOX.QUEUE, row -> row.value2().longValue());
	}
}
