package io.cleave.rpc;

import java.util.List;
import java.util.Optional;

/**
 * The RPC methods this application declares, hosted here or not, as generic callers describe them: the gateway's
 * OpenAPI document and its metrics by service and method.
 */
public interface RpcMethods {

	/** Every method, by service name then method name. */
	List<Signature> all();

	/**
	 * The method {@code service/method}, names matched as {@link RpcInvoker} matches them (as declared, or with their
	 * first letter in upper case); empty when no such method is declared.
	 */
	Optional<Signature> find(String service, String method);

	/**
	 * One RPC method's outline.
	 *
	 * @param service the service's declared name ({@code DB})
	 * @param method the method's RPC name ({@code Query})
	 * @param requestType the record it takes
	 * @param responseType the record it returns
	 * @param idempotent whether it is marked {@link Idempotent}
	 * @param errors the business exceptions it declares
	 */
	record Signature(String service, String method, Class<? extends Record> requestType,
			Class<? extends Record> responseType, boolean idempotent, List<Class<?>> errors) {

		public Signature {
			errors = List.copyOf(errors);
		}
	}
}
