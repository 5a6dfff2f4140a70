package io.cleave.gateway.web;

import java.util.Map;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;

import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.handler.AbstractHandlerMapping;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Finds the handler of {@code POST /api/{service}/{method}} and {@code POST /act} by splitting the path, ahead of
 * Spring MVC's generic lookup, which tries every pattern mapping of the node (actuator, springdoc, registry,
 * messaging…) for each request. It hands out the very {@link HandlerMethod}s the generic lookup would find, with the
 * same request attributes (route template, path variables, producible types, the observation's path pattern), so
 * arguments, exception handlers, problem details, the access log and the metrics are the same. Every request it does
 * not recognise as plainly one of these — another method, an encoded or unusual path, an {@code Accept} other than
 * none, {@code *}{@code /*} or {@code application/json} — it leaves to the generic lookup, whose answer (405, 406,
 * 404…) is then today's.
 *
 * <p>
 * Ordered ahead of every other mapping when no router function can exist and the actuator's base path is not under
 * {@code /api} or {@code /act}; otherwise after the router functions (Spring Cloud Gateway's proxy routes, which may
 * claim {@code /api/**}) and the actuator's endpoints, and before the {@link RequestMappingHandlerMapping}: both it
 * and the latter have order 0, and application beans are registered before auto-configured ones, which Spring's
 * stable sort keeps ({@code GatewayHandlerMappingTests}).
 */
final class GatewayHandlerMapping extends AbstractHandlerMapping {

	private static final String API = "/api/";

	private static final Set<MediaType> JSON = Set.of(MediaType.APPLICATION_JSON);

	private final RequestMappingHandlerMapping mappings;

	private volatile @Nullable HandlerMethod rpc;

	private volatile @Nullable HandlerMethod act;

	GatewayHandlerMapping(RequestMappingHandlerMapping mappings) {
		this.mappings = mappings;
		setOrder(0);
	}

	@Override
	protected @Nullable Object getHandlerInternal(HttpServletRequest request) {
		Route route = route(request);
		HandlerMethod handler = route == null ? null : handler(route.rpc());
		if (handler == null) {
			return null;
		}
		request.setAttribute(HandlerMapping.PATH_WITHIN_HANDLER_MAPPING_ATTRIBUTE, route.path());
		request.setAttribute(HandlerMapping.BEST_MATCHING_HANDLER_ATTRIBUTE, handler);
		request.setAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE, route.template());
		request.setAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE, route.variables());
		request.setAttribute(HandlerMapping.PRODUCIBLE_MEDIA_TYPES_ATTRIBUTE, JSON);
		return handler;
	}

	/**
	 * The RPC controller's handler when this mapping would hand it out for the request, with the two attributes the
	 * gateway reads (route template, path variables) set; {@code null} for every other request, including a request
	 * of the {@code /act} route. For {@link GatewayDispatcherServlet}, which asks only while this mapping comes first
	 * and runs no interceptors: the other attributes are Spring MVC's own, for its argument resolvers and return value
	 * handlers, which the call does not go through.
	 */
	@Nullable HandlerMethod rpcCall(HttpServletRequest request) {
		Route route = route(request);
		HandlerMethod handler = route == null || !route.rpc() ? null : handler(true);
		if (handler != null) {
			request.setAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE, route.template());
			request.setAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE, route.variables());
		}
		return handler;
	}

	/** Whether a request this mapping hands out runs no {@code HandlerInterceptor} (none is mapped in the node). */
	boolean runsNoInterceptors() {
		HandlerInterceptor[] interceptors = getAdaptedInterceptors();
		return (interceptors == null || interceptors.length == 0) && getCorsConfigurationSource() == null;
	}

	/** A request of one of the two routes: the path within the application, its template and variables. */
	private record Route(String path, String template, Map<String, String> variables) {

		boolean rpc() {
			return template.equals(GatewayRoutes.RPC_ROUTE);
		}
	}

	private static @Nullable Route route(HttpServletRequest request) {
		if (!"POST".equals(request.getMethod()) || !acceptsJson(request.getHeader("Accept"))) {
			return null;
		}
		String path = request.getRequestURI();
		String contextPath = request.getContextPath();
		if (!contextPath.isEmpty()) {
			if (!path.startsWith(contextPath)) {
				return null;
			}
			path = path.substring(contextPath.length());
		}
		if (path.equals(GatewayRoutes.ACT_ROUTE)) {
			return new Route(path, GatewayRoutes.ACT_ROUTE, Map.of());
		}
		if (!path.startsWith(API) || !plain(path)) {
			return null;
		}
		int slash = path.indexOf('/', API.length());
		if (slash <= API.length() || slash == path.length() - 1 || path.indexOf('/', slash + 1) >= 0) {
			return null;
		}
		return new Route(path, GatewayRoutes.RPC_ROUTE,
				Map.of("service", path.substring(API.length(), slash), "method", path.substring(slash + 1)));
	}

	// Percent-encoding and path parameters (;) are left to the generic lookup, which decodes and strips them.
	private static boolean plain(String path) {
		for (int i = API.length(); i < path.length(); i++) {
			char c = path.charAt(i);
			if (c == '%' || c == ';') {
				return false;
			}
		}
		return true;
	}

	// What the routes' produces = application/json matches without parsing: no Accept, any type, or JSON itself.
	private static boolean acceptsJson(@Nullable String accept) {
		return accept == null || accept.equals("*/*") || accept.equals(MediaType.APPLICATION_JSON_VALUE);
	}

	// The controllers' handler methods, as the generic lookup registered them (resolved once, after its start).
	private @Nullable HandlerMethod handler(boolean rpcRoute) {
		HandlerMethod handler = rpcRoute ? rpc : act;
		if (handler == null) {
			Class<?> controller = rpcRoute ? RpcController.class : ActController.class;
			for (Map.Entry<RequestMappingInfo, HandlerMethod> entry : mappings.getHandlerMethods().entrySet()) {
				if (entry.getValue().getBeanType() == controller) {
					handler = entry.getValue().createWithResolvedBean();
					break;
				}
			}
			if (rpcRoute) {
				rpc = handler;
			}
			else {
				act = handler;
			}
		}
		return handler;
	}
}
