package io.cleave.rpc.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.cleave.rpc.Deadline;
import io.cleave.rpc.InvalidRequestException;
import io.cleave.rpc.contract.ContractService.ContractRefused;
import io.cleave.rpc.contract.ContractService.Echo;
import io.cleave.rpc.contract.ContractService.Echoed;
import io.cleave.rpc.contract.ContractService.Flaky;
import io.cleave.rpc.contract.ContractService.Item;
import io.cleave.rpc.contract.ContractService.Sleep;
import io.cleave.status.Status;
import io.cleave.status.StatusException;
import org.junit.jupiter.api.Test;
import org.springframework.context.ApplicationContext;

/**
 * What every RPC transport must do, run against each of them (in-process, gRPC between two application contexts):
 * typed responses, caller identity and deadlines reaching the callee, deadlines enforced, business errors arriving as
 * their declared type, invalid requests refused naming the field, and retries for idempotent methods only.
 */
public abstract class RpcContract {

	/** The injected client of the contract service. */
	protected abstract ContractService client();

	/** The name of the node the client calls from, its caller identity. */
	protected abstract String callerNode();

	/** How many calls with {@code key} reached the service's implementation(s). */
	protected abstract int attemptsServed(String key);

	/** Whether the transport retries an idempotent call that found its callee unavailable (a remote one does). */
	protected abstract boolean retriesIdempotentCalls();

	/**
	 * Whether the caller stops waiting when the deadline passes (a remote transport does); a direct call cannot be
	 * abandoned, it reports DEADLINE_EXCEEDED when the callee returns.
	 */
	protected abstract boolean abandonsCallsAtTheirDeadline();

	/** How many calls with {@code key} reached the implementation in {@code context}. */
	protected static int attemptsIn(ApplicationContext context, String key) {
		return context.getBean(ContractServiceHandler.class).attempts(key);
	}

	@Test
	void aCallReturnsTheTypedResponseWithNestedListsMapsAndInstants() {
		Echo echo = new Echo("hello", List.of(new Item("a", 1), new Item("b", 2)), Map.of("x", 7L),
				Instant.parse("2026-11-29T20:00:00.5Z"));

		Echoed echoed = client().echo(echo);

		assertThat(echoed.echo()).isEqualTo(echo);
	}

	@Test
	void theCallingNodeIsTheCallerOfACallMadeOutsideAnyOtherCall() {
		assertThat(client().echo(echo("who")).caller()).isEqualTo(callerNode());
	}

	@Test
	void theRemainingDeadlineReachesTheCallee() {
		Echoed echoed = Deadline.within(Duration.ofSeconds(2), () -> client().echo(echo("when")));

		assertThat(echoed.deadlineMillis()).isPositive().isLessThanOrEqualTo(2000);
	}

	@Test
	void aCallThatOutlivesItsDeadlineFailsWithDeadlineExceeded() {
		long start = System.nanoTime();

		assertThatExceptionOfType(StatusException.class)
				.isThrownBy(() -> Deadline.within(Duration.ofMillis(300), () -> client().sleep(new Sleep(2000))))
				.satisfies(failure -> assertThat(failure.status()).isEqualTo(Status.DEADLINE_EXCEEDED));
		if (abandonsCallsAtTheirDeadline()) {
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
		}
	}

	@Test
	void aBusinessErrorArrivesAsItsDeclaredTypeWithItsStatusAndMessage() {
		assertThatExceptionOfType(ContractRefused.class)
				.isThrownBy(() -> client().refuse(echo("nope")))
				.withMessage("refused 'nope'")
				.satisfies(failure -> assertThat(failure.status()).isEqualTo(Status.FAILED_PRECONDITION));
	}

	@Test
	void anInvalidRequestIsRefusedNamingTheField() {
		assertThatExceptionOfType(InvalidRequestException.class)
				.isThrownBy(() -> client().echo(echo(" ")))
				.satisfies(failure -> {
					assertThat(failure.status()).isEqualTo(Status.INVALID_ARGUMENT);
					assertThat(failure.violations()).extracting(InvalidRequestException.FieldViolation::field)
							.containsExactly("text");
				});
	}

	@Test
	void aMethodNotMarkedIdempotentIsTriedOnceWhenItsCalleeIsUnavailable() {
		String key = UUID.randomUUID().toString();

		assertThatExceptionOfType(StatusException.class)
				.isThrownBy(() -> client().flaky(new Flaky(key, 1)))
				.satisfies(failure -> assertThat(failure.status()).isEqualTo(Status.UNAVAILABLE));
		assertThat(attemptsServed(key)).isEqualTo(1);
	}

	@Test
	void anIdempotentMethodIsRetriedWhenItsCalleeIsUnavailableIfTheTransportRetries() {
		String key = UUID.randomUUID().toString();

		if (retriesIdempotentCalls()) {
			assertThat(client().flakyIdempotent(new Flaky(key, 1)).attempts()).isEqualTo(2);
			assertThat(attemptsServed(key)).isEqualTo(2);
		}
		else {
			assertThatExceptionOfType(StatusException.class)
					.isThrownBy(() -> client().flakyIdempotent(new Flaky(key, 1)));
			assertThat(attemptsServed(key)).isEqualTo(1);
		}
	}

	@Test
	void retriesStopAtTheConfiguredNumberOfAttempts() {
		String key = UUID.randomUUID().toString();

		assertThatExceptionOfType(StatusException.class)
				.isThrownBy(() -> client().flakyIdempotent(new Flaky(key, 100)))
				.satisfies(failure -> assertThat(failure.status()).isEqualTo(Status.UNAVAILABLE));
		assertThat(attemptsServed(key)).isEqualTo(retriesIdempotentCalls() ? 3 : 1);
	}

	private static Echo echo(String text) {
		return new Echo(text, List.of(), Map.of(), null);
	}
}
