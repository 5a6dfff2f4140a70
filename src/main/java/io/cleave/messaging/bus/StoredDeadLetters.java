package io.cleave.messaging.bus;

import java.util.List;
import java.util.Optional;

import io.cleave.messaging.DeadLetters;
import io.cleave.messaging.MessagingException;
import io.cleave.status.Status;

import org.jspecify.annotations.Nullable;

/** The dead letters API over the store; a resubmitted message is relayed at once. */
final class StoredDeadLetters implements DeadLetters {

	private final DeadLetterStore store;

	private final Relay relay;

	StoredDeadLetters(DeadLetterStore store, Relay relay) {
		this.store = store;
		this.relay = relay;
	}

	@Override
	public List<DeadLetter> list(@Nullable String queue, int limit) {
		if (limit < 1) {
			throw new MessagingException(Status.INVALID_ARGUMENT, "limit must be at least 1, not " + limit);
		}
		return store.list(queue, limit);
	}

	@Override
	public Optional<DeadLetter> find(long id) {
		return store.find(id);
	}

	@Override
	public void resubmit(long id) {
		String queue = store.resubmit(id).orElseThrow(() -> notFound(id));
		relay.wake(queue);
	}

	@Override
	public void discard(long id) {
		if (!store.discard(id)) {
			throw notFound(id);
		}
	}

	@Override
	public long count() {
		return store.count();
	}

	private static MessagingException notFound(long id) {
		return new MessagingException(Status.NOT_FOUND, "No dead letter with id " + id);
	}
}
