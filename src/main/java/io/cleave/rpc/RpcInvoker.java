package io.cleave.rpc;

import java.time.Duration;

import io.cleave.status.Status;
import io.cleave.status.StatusException;

/**
 * Calls an RPC method by name with a JSON request and answers with the JSON response: the entry point of generic
 * callers such as the gateway's {@code POST /api/{service}/{method}}.
 * <p>
 * Names are matched as declared, and also with their first letter in upper case (goms' convention: {@code dB/query}
 * reaches {@code DB/Query}). Failures are {@link StatusException}s: {@link Status#NOT_FOUND} for an unknown service or
 * method, {@link InvalidRequestException} for JSON that cannot be read as the request or a request that fails
 * validation, {@link Status#DEADLINE_EXCEEDED} when the deadline passes, and the callee's own business exceptions.
 */
public interface RpcInvoker {

	/**
	 * Calls {@code service/method} with {@code jsonRequest} (an empty string counts as {@code {}}) and returns the
	 * response as JSON. The call gets {@code timeout}, or less if the call this thread is serving has less time left.
	 */
	String invoke(String service, String method, String jsonRequest, Duration timeout);
}
