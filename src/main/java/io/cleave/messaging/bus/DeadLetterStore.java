package io.cleave.messaging.bus;

import java.util.List;
import java.util.Optional;

import io.cleave.messaging.DeadLetters.DeadLetter;
import io.cleave.messaging.transport.Envelope;

import org.jspecify.annotations.Nullable;

/** Where messages go once their handler has failed them too often. */
public interface DeadLetterStore {

	/**
	 * Records a message given up on, in the caller's transaction if any; a message its queue already holds as a dead
	 * letter (redelivered after a crash that came between dead-lettering and removing it) is not recorded twice.
	 */
	void add(Envelope envelope, int attempts, String error);

	List<DeadLetter> list(@Nullable String queue, int limit);

	Optional<DeadLetter> find(long id);

	/** Moves the dead letter back to the outbox, in one transaction. @return its queue, empty if there is none */
	Optional<String> resubmit(long id);

	boolean discard(long id);

	long count();
}
