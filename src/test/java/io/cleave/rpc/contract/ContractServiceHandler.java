package io.cleave.rpc.contract;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import fixtures.rpc.SlowWork;

import io.cleave.CleaveProperties;
import io.cleave.rpc.CallContext;
import io.cleave.status.Status;
import io.cleave.status.StatusException;
import org.springframework.stereotype.Component;

/** The contract service's implementation; counts calls per key so tests can tell how often a call arrived. */
@Component
class ContractServiceHandler implements ContractService {

	private final String node;

	private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

	ContractServiceHandler(CleaveProperties cleave) {
		this.node = cleave.node().name();
	}

	@Override
	public Echoed echo(Echo request) {
		CallContext context = CallContext.current();
		return new Echoed(request, context == null ? "" : context.caller(), node,
				context == null ? -1 : context.deadline().remaining().toMillis(),
				context == null ? null : context.metadata().get("traceparent"));
	}

	@Override
	public Slept sleep(Sleep request) {
		SlowWork.take(Duration.ofMillis(request.millis()));
		return new Slept(node);
	}

	@Override
	public Echoed refuse(Echo request) {
		throw new ContractRefused(request.text());
	}

	@Override
	public Counted flakyIdempotent(Flaky request) {
		return flaky(request);
	}

	@Override
	public Counted flaky(Flaky request) {
		int attempt = attempts.computeIfAbsent(request.key(), key -> new AtomicInteger()).incrementAndGet();
		if (attempt <= request.failures()) {
			throw new StatusException(Status.UNAVAILABLE, "not yet (attempt " + attempt + ")");
		}
		return new Counted(attempt, node);
	}

	/** How many times a call with {@code key} arrived here. */
	int attempts(String key) {
		AtomicInteger count = attempts.get(key);
		return count == null ? 0 : count.get();
	}
}
