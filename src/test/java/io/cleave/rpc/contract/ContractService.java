package io.cleave.rpc.contract;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.validation.constraints.NotBlank;

import io.cleave.rpc.Idempotent;
import io.cleave.rpc.RpcService;
import io.cleave.status.Status;
import io.cleave.status.StatusException;
import org.jspecify.annotations.Nullable;

/** The service the RPC contract suite calls, on every transport. */
@RpcService("Contract")
public interface ContractService {

	/** Answers with what it received and what it knows about the call. */
	@Idempotent
	Echoed echo(Echo request);

	/** Sleeps, to outlive deadlines. */
	Slept sleep(Sleep request);

	/** Throws {@link ContractRefused}. */
	Echoed refuse(Echo request) throws ContractRefused;

	/** Fails with UNAVAILABLE for the first {@code failures} calls with a key, then answers. */
	@Idempotent
	Counted flakyIdempotent(Flaky request);

	/** As {@link #flakyIdempotent}, but not marked idempotent. */
	Counted flaky(Flaky request);

	record Echo(@NotBlank String text, List<Item> items, Map<String, Long> counts, @Nullable Instant at) {
	}

	record Item(String name, int quantity) {
	}

	record Echoed(Echo echo, String caller, String servedBy, long deadlineMillis, @Nullable String traceparent) {
	}

	record Sleep(long millis) {
	}

	record Slept(String servedBy) {
	}

	record Flaky(String key, int failures) {
	}

	record Counted(int attempts, String servedBy) {
	}

	/** A business error of this service. */
	class ContractRefused extends StatusException {

		public ContractRefused(String text) {
			super(Status.FAILED_PRECONDITION, "refused '" + text + "'");
		}
	}
}
