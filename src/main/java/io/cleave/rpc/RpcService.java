package io.cleave.rpc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a top-level interface in a module's API as an RPC service: other modules inject the interface, its one implementation
 * is a bean inside the module, and every call passes through the endpoint chain, in this JVM or over the wire.
 * <p>
 * The contract, checked at start-up: each method takes exactly one record (the request) and returns a record (the
 * response); it declares only {@link io.cleave.status.StatusException} subtypes, the service's business errors; no
 * overloads, no default methods, no type parameters. A method's RPC name is its Java name with the first letter in
 * upper case ({@code query} is {@code Query}), as gRPC and goms spell them.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface RpcService {

	/**
	 * The service's name on every transport ({@code POST /api/<name>/<Method>}, the gRPC service name): a letter
	 * followed by letters, digits or {@code _}, unique among the services of a deployment.
	 */
	String value();
}
