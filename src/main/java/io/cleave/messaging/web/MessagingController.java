package io.cleave.messaging.web;

import java.util.List;

import io.cleave.messaging.DeadLetters;
import io.cleave.messaging.DeadLetters.DeadLetter;
import io.cleave.messaging.MessageQueues;
import io.cleave.messaging.MessageQueues.QueueInfo;
import io.cleave.messaging.MessagingException;
import io.cleave.status.Status;

import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Operators' REST API under {@code /messaging}: dead letters (list, inspect, resubmit, discard) and this node's
 * queues (list, disable, enable).
 */
@RestController
@RequestMapping("/messaging")
class MessagingController {

	private final DeadLetters deadLetters;

	private final MessageQueues queues;

	MessagingController(DeadLetters deadLetters, MessageQueues queues) {
		this.deadLetters = deadLetters;
		this.queues = queues;
	}

	@GetMapping("/dead-letters")
	List<DeadLetter> deadLetters(@RequestParam(required = false) @Nullable String queue,
			@RequestParam(defaultValue = "100") int limit) {
		return deadLetters.list(queue, limit);
	}

	@GetMapping("/dead-letters/{id}")
	DeadLetter deadLetter(@PathVariable long id) {
		return deadLetters.find(id)
				.orElseThrow(() -> new MessagingException(Status.NOT_FOUND, "No dead letter with id " + id));
	}

	/** Puts the message back at the end of its queue; 202 because it is delivered afterwards. */
	@PostMapping("/dead-letters/{id}/resubmit")
	ResponseEntity<Void> resubmit(@PathVariable long id) {
		deadLetters.resubmit(id);
		return ResponseEntity.accepted().build();
	}

	@DeleteMapping("/dead-letters/{id}")
	ResponseEntity<Void> discard(@PathVariable long id) {
		deadLetters.discard(id);
		return ResponseEntity.noContent().build();
	}

	@GetMapping("/queues")
	List<QueueInfo> queues() {
		return queues.list();
	}

	@PostMapping("/queues/{name}/disable")
	QueueInfo disable(@PathVariable String name) {
		return queues.disable(name);
	}

	@PostMapping("/queues/{name}/enable")
	QueueInfo enable(@PathVariable String name) {
		return queues.enable(name);
	}
}
