package io.cleave.gateway.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.cleave.gateway.GatewayProperties;
import io.cleave.rpc.CallContext;
import io.cleave.rpc.Deadline;
import io.cleave.rpc.RpcInvoker;

import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.HandlerMapping;

/**
 * goms' RPC-over-HTTP convention: {@code POST /api/{service}/{method}} with the request as a JSON body (none at all
 * counts as {@code {}}), the response as JSON, and failures as problem details with real status codes
 * ({@link RpcProblems}).
 */
@RestController
class RpcController {

	private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

	private final RpcInvoker invoker;

	private final GatewayProperties properties;

	RpcController(RpcInvoker invoker, GatewayProperties properties) {
		this.invoker = invoker;
		this.properties = properties;
	}

	// Any request content type: goms' clients post JSON without saying so, and curl -d says form-urlencoded. The body
	// is read raw, because Spring rebuilds a form-urlencoded body from the request parameters.
	// The reply is JSON already: written as it is, without a pass over the message converters. Every request reaching
	// here accepts JSON (produces below, GatewayHandlerMapping's own check), so negotiation could only pick it.
	// The service and method are read from the route's variables as @PathVariable would read them (both mappings
	// that lead here set them, decoded), without the data binder it creates per variable (bench/gateway.sh: ~1.5 µs
	// a call). The OpenAPI document describes each RPC method itself (GatewayOpenApi), not this generic route.
	@PostMapping(path = "/api/{service}/{method}", produces = MediaType.APPLICATION_JSON_VALUE)
	void call(HttpServletRequest http, HttpServletResponse reply, @Nullable Principal principal) throws IOException {
		@SuppressWarnings("unchecked")
		Map<String, String> route = (Map<String, String>) http.getAttribute(
				HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
		String service = route.get("service");
		String method = route.get("method");
		String request = new String(body(http), StandardCharsets.UTF_8);
		CallContext context = new CallContext(Deadline.after(properties.requestTimeout()),
				principal == null ? CallContext.ANONYMOUS : principal.getName(), Map.of());
		String response = context.run(() -> invoker.invoke(service, method, request, properties.requestTimeout()));
		byte[] bytes = response.getBytes(StandardCharsets.UTF_8);
		reply.setStatus(HttpServletResponse.SC_OK);
		reply.setContentType(MediaType.APPLICATION_JSON_VALUE);
		reply.setContentLength(bytes.length);
		reply.getOutputStream().write(bytes);
	}

	// RequestBodyLimit bounds the stream (413 past the route's limit), so reading it whole is safe. A declared length
	// is read into an array of that size (Tomcat ends the stream there): readAllBytes would first fill 16 KiB buffers.
	private static byte[] body(HttpServletRequest http) throws IOException {
		long length = http.getContentLengthLong();
		if (length >= 0 && length <= MAX_ARRAY) {
			return http.getInputStream().readNBytes((int) length);
		}
		return http.getInputStream().readAllBytes();
	}
}
