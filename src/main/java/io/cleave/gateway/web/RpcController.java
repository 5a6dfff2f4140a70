package io.cleave.gateway.web;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Map;

import io.cleave.gateway.GatewayProperties;
import io.cleave.rpc.CallContext;
import io.cleave.rpc.Deadline;
import io.cleave.rpc.RpcInvoker;

import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * goms' RPC-over-HTTP convention: {@code POST /api/{service}/{method}} with the request as a JSON body (none at all
 * counts as {@code {}}), the response as JSON, and failures as problem details with real status codes
 * ({@link RpcProblems}).
 */
@RestController
class RpcController {

	private final RpcInvoker invoker;

	private final GatewayProperties properties;

	RpcController(RpcInvoker invoker, GatewayProperties properties) {
		this.invoker = invoker;
		this.properties = properties;
	}

	// Any request content type: goms' clients post JSON without saying so, and curl -d says form-urlencoded.
	@PostMapping(path = "/api/{service}/{method}", produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<String> call(@PathVariable String service, @PathVariable String method,
			@RequestBody(required = false) byte @Nullable [] body, @Nullable Principal principal) {
		String request = body == null ? "" : new String(body, StandardCharsets.UTF_8);
		CallContext context = new CallContext(Deadline.after(properties.requestTimeout()),
				principal == null ? CallContext.ANONYMOUS : principal.getName(), Map.of());
		String response = context.run(() -> invoker.invoke(service, method, request, properties.requestTimeout()));
		return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(response);
	}
}
