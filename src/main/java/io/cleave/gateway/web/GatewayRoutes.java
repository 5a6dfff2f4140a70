package io.cleave.gateway.web;

import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import io.cleave.rpc.RpcMethods;

import org.jspecify.annotations.Nullable;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Which route served a request, named with low cardinality for logs and metrics: Spring MVC's best matching pattern,
 * the gateway's kind of route, and for {@code /api/{service}/{method}} the declared RPC service and method (or
 * {@value #UNKNOWN}, so that made-up names cannot grow the number of series).
 */
final class GatewayRoutes {

	/** Service and method of an {@code /api/**} request naming no declared RPC method. */
	static final String UNKNOWN = "UNKNOWN";

	/** Tag value of a request the tag does not apply to. */
	static final String NONE = "none";

	static final String RPC_ROUTE = "/api/{service}/{method}";

	static final String ACT_ROUTE = "/act";

	/**
	 * Request attribute where Spring Cloud Gateway Server WebMVC puts the id of the proxy route it matched
	 * ({@code MvcUtils.GATEWAY_ROUTE_ID_ATTR}); named here so this class needs no compile-time tie to it.
	 */
	static final String PROXY_ROUTE_ID = "GatewayServerMvc.gatewayRouteId";

	private final RpcMethods rpc;

	GatewayRoutes(RpcMethods rpc) {
		this.rpc = rpc;
	}

	/** The route template of the request: the proxy route id, else Spring MVC's best matching pattern, else null. */
	static @Nullable String template(HttpServletRequest request) {
		if (request.getAttribute(PROXY_ROUTE_ID) instanceof String id) {
			return "proxy:" + id;
		}
		return request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE) instanceof String pattern ? pattern
				: null;
	}

	/** {@code rpc}, {@code act}, {@code proxy:<route id>}, or {@value #NONE} for the node's other resources. */
	static String kind(HttpServletRequest request, @Nullable String pattern) {
		if (request.getAttribute(PROXY_ROUTE_ID) instanceof String id) {
			return "proxy:" + id;
		}
		if (RPC_ROUTE.equals(pattern)) {
			return "rpc";
		}
		return ACT_ROUTE.equals(pattern) ? "act" : NONE;
	}

	/**
	 * The declared service and method an {@code /api/{service}/{method}} request named ({@value #UNKNOWN} for both
	 * when it names none), or {@value #NONE} for both on other routes.
	 */
	RpcName rpcName(HttpServletRequest request, @Nullable String pattern) {
		if (!RPC_ROUTE.equals(pattern)) {
			return RpcName.NOT_RPC;
		}
		if (request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE) instanceof Map<?, ?> variables
				&& variables.get("service") instanceof String service
				&& variables.get("method") instanceof String method) {
			return rpc.find(service, method)
					.map(signature -> new RpcName(signature.service(), signature.method()))
					.orElse(RpcName.UNDECLARED);
		}
		return RpcName.UNDECLARED;
	}

	/** An RPC method's declared names, as tags. */
	record RpcName(String service, String method) {

		static final RpcName NOT_RPC = new RpcName(NONE, NONE);

		static final RpcName UNDECLARED = new RpcName(UNKNOWN, UNKNOWN);
	}
}
