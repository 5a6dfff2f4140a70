package io.cleave.kv;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import io.cleave.rpc.Idempotent;
import io.cleave.rpc.RpcService;

/**
 * A key-value store as an RPC service, goms' {@code DB}: {@code POST /api/DB/Update} and {@code POST /api/DB/Query}.
 */
@RpcService("DB")
public interface DB {

	/** Stores {@code value} under {@code key}, replacing any previous value. */
	@Idempotent
	UpdateResponse update(UpdateRequest request);

	/**
	 * The value stored under {@code key}.
	 *
	 * @throws KeyNotFoundException when nothing is stored under the key
	 */
	@Idempotent
	QueryResponse query(QueryRequest request) throws KeyNotFoundException;

	/**
	 * @param key at most 255 characters, not blank
	 * @param value at most 64 KiB of characters
	 */
	record UpdateRequest(@NotBlank @Size(max = 255) String key, @NotNull @Size(max = 65536) String value) {
	}

	/** Nothing to report: the value is stored. */
	record UpdateResponse() {
	}

	/** @param key the key to read, not blank */
	record QueryRequest(@NotBlank @Size(max = 255) String key) {
	}

	/** @param value the value stored under the key */
	record QueryResponse(String value) {
	}
}
