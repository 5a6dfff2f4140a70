package io.cleave.gateway.proxy;

import java.io.IOException;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.server.mvc.filter.FormFilter;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.support.RouterFunctionMapping;
import org.springframework.web.util.ServletRequestPathUtils;

/**
 * Spring Cloud Gateway's {@link FormFilter} for the proxy routes only. The gateway builds the upstream URI from the
 * servlet's parameters, which for a form post are read out of the body; its filter rebuilds the body from them. Left
 * on for every route (its default) it also rewrites the bodies {@code /api} and {@code /act} read as JSON whatever
 * their declared type, so here it applies only where a gateway route matches.
 */
// A plain HttpFilter: registered for REQUEST dispatches only, it runs once per request without OncePerRequestFilter's
// request-attribute bookkeeping (a set and a remove on every request).
final class ProxiedFormBodies extends HttpFilter {

	private final FormFilter forms = new FormFilter();

	private final ObjectProvider<RouterFunctionMapping> mappings;

	ProxiedFormBodies(ObjectProvider<RouterFunctionMapping> mappings) {
		this.mappings = mappings;
	}

	@Override
	protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (isFormPost(request) && isProxied(request)) {
			forms.doFilter(request, response, chain);
		}
		else {
			chain.doFilter(request, response);
		}
	}

	private static boolean isFormPost(HttpServletRequest request) {
		String contentType = request.getContentType();
		return contentType != null && contentType.contains(MediaType.APPLICATION_FORM_URLENCODED_VALUE)
				&& HttpMethod.POST.matches(request.getMethod());
	}

	private boolean isProxied(HttpServletRequest request) {
		RouterFunctionMapping mapping = mappings.getIfAvailable();
		RouterFunction<?> routes = mapping == null ? null : mapping.getRouterFunction();
		if (routes == null) {
			return false;
		}
		boolean parsed = ServletRequestPathUtils.hasParsedRequestPath(request);
		if (!parsed) {
			ServletRequestPathUtils.parseAndCache(request);
		}
		try {
			// path and header predicates only: nothing here reads the body
			return routes.route(ServerRequest.create(request, List.of())).isPresent();
		}
		catch (Exception ex) {
			return false;
		}
		finally {
			if (!parsed) {
				ServletRequestPathUtils.clearParsedRequestPath(request);
			}
		}
	}
}
