package io.cleave.messaging.bus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.cleave.messaging.transport.MessageTransport;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Moves messages from the outbox to the transport: claims the oldest waiting messages of each enabled local queue,
 * as many as its buffer has room for (the rest wait in the database: backpressure instead of memory), hands them to
 * the transport, and deletes each once the transport is done with it. Woken by commits of {@code send}/
 * {@code publish} and by finished deliveries; otherwise it looks every poll interval, for messages written by other
 * nodes, released by a crashed one or resubmitted from the dead letters.
 */
final class Relay implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(Relay.class);

	private final Outbox outbox;

	private final MessageTransport transport;

	private final LocalQueues queues;

	private final String node;

	private final int buffer;

	private final long pollNanos;

	private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

	private final Set<String> dirty = ConcurrentHashMap.newKeySet();

	private final ConcurrentLinkedQueue<Long> delivered = new ConcurrentLinkedQueue<>();

	private final ConcurrentLinkedQueue<Long> returned = new ConcurrentLinkedQueue<>();

	private volatile @Nullable Thread thread;

	private volatile boolean running;

	Relay(Outbox outbox, MessageTransport transport, LocalQueues queues, String node, int buffer,
			Duration pollInterval) {
		this.outbox = outbox;
		this.transport = transport;
		this.queues = queues;
		this.node = node;
		this.buffer = buffer;
		this.pollNanos = pollInterval.toNanos();
	}

	/** Makes the relay look at {@code queue} now. */
	void wake(String queue) {
		dirty.add(queue);
		wake();
	}

	void wake() {
		Thread relay = thread;
		if (relay != null) {
			LockSupport.unpark(relay);
		}
	}

	@Override
	public void start() {
		int released = outbox.releaseClaims(node);
		if (released > 0) {
			log.info("Released {} messages this node had claimed before it stopped; they are delivered again", released);
		}
		running = true;
		Thread relay = Thread.ofPlatform().daemon().name("cleave-messaging-relay").unstarted(this::run);
		thread = relay;
		relay.start();
	}

	@Override
	public void stop() {
		running = false;
		Thread relay = thread;
		if (relay != null) {
			LockSupport.unpark(relay);
			try {
				relay.join(Duration.ofSeconds(5));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		thread = null;
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	@Override
	public int getPhase() {
		return DEFAULT_PHASE - 1024; // stops after the web server stopped taking requests, before the data source
	}

	private void run() {
		long nextFullPass = 0;
		while (running) {
			try {
				settle();
				boolean fullPass = System.nanoTime() - nextFullPass >= 0;
				if (fullPass) {
					nextFullPass = System.nanoTime() + pollNanos;
				}
				for (LocalQueue queue : queues.all()) {
					if ((fullPass || dirty.remove(queue.name())) && queue.enabled()) {
						feed(queue);
					}
				}
				settle();
			}
			catch (RuntimeException ex) {
				log.warn("Relaying queued messages failed; trying again in {} ms", pollNanos / 1_000_000, ex);
				LockSupport.parkNanos(pollNanos);
			}
			if (dirty.isEmpty() && delivered.isEmpty() && returned.isEmpty()) {
				LockSupport.parkNanos(Math.max(0, nextFullPass - System.nanoTime()));
			}
		}
		settle();
	}

	private void feed(LocalQueue queue) {
		AtomicInteger taken = inFlight.computeIfAbsent(queue.name(), name -> new AtomicInteger());
		int room = buffer - taken.get();
		if (room <= 0) {
			return;
		}
		List<Outbox.Queued> claimed = outbox.claim(queue.name(), node, room);
		boolean more = claimed.size() == room;
		for (Outbox.Queued queued : claimed) {
			taken.incrementAndGet();
			transport.deliver(queued.envelope()).whenComplete((ok, failure) -> {
				(failure == null ? delivered : returned).add(queued.seq());
				taken.decrementAndGet();
				if (more) {
					dirty.add(queue.name()); // room again for what did not fit
				}
				wake();
			});
		}
	}

	/** Deletes what was delivered, hands back what was not. */
	private void settle() {
		List<Long> done = drain(delivered);
		if (!done.isEmpty()) {
			outbox.remove(done);
		}
		List<Long> back = drain(returned);
		if (!back.isEmpty()) {
			outbox.unclaim(back);
		}
	}

	private static List<Long> drain(ConcurrentLinkedQueue<Long> seqs) {
		List<Long> drained = new ArrayList<>();
		for (Long seq = seqs.poll(); seq != null; seq = seqs.poll()) {
			drained.add(seq);
		}
		return drained;
	}
}
