package io.cleave.gateway.web;

import java.io.IOException;
import java.util.List;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationContext;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.multipart.MultipartResolver;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.ModelAndView;

/**
 * Spring MVC's {@link DispatcherServlet}, which answers a plain RPC call ({@code POST /api/{service}/{method}} as
 * {@link GatewayHandlerMapping} recognises it) by running {@link RpcController#call} itself, and dispatches every other
 * request as usual. Every filter has run before (security, limits, observation): only Spring MVC's own dispatch is
 * skipped — locale and request context holders, flash maps, the path parsed again, request attributes for its argument
 * resolvers, the handler adapter's binder and model factories, an asynchronous request wrapping the response — which
 * the call, taking only the request, the response and the caller and writing its own answer, has no use for: together
 * a tenth of the edge's CPU per call, as much as the bare controller's whole dispatch (bench/gateway.sh, JFR).
 * <p>
 * Only while the gateway's mapping comes first (no proxy route can claim {@code /api/**}, the actuator lies
 * elsewhere), runs no interceptor, and the request is not multipart (which the dispatcher would parse first): exactly
 * the requests whose handler, with nothing around it, the dispatcher would pick anyway. A failure goes to the
 * dispatcher's exception resolvers with that handler, as the dispatcher hands it over ({@link RpcProblems}): the answer
 * is the same problem. Boot backs off its own dispatcher servlet for this one, which takes its settings
 * ({@code spring.mvc.*}) as Boot's would.
 */
final class GatewayDispatcherServlet extends DispatcherServlet {

	private volatile @Nullable GatewayHandlerMapping rpcFirst;

	@Override
	protected void onRefresh(ApplicationContext context) {
		super.onRefresh(context);
		List<HandlerMapping> mappings = getHandlerMappings();
		this.rpcFirst = mappings != null && !mappings.isEmpty()
				&& mappings.getFirst() instanceof GatewayHandlerMapping first && first.runsNoInterceptors() ? first : null;
	}

	/** Whether plain RPC calls are answered without Spring MVC's dispatch (see the class description). */
	boolean answersRpcCallsItself() {
		return rpcFirst != null;
	}

	@Override
	protected void service(HttpServletRequest request, HttpServletResponse response)
			throws ServletException, IOException {
		GatewayHandlerMapping first = this.rpcFirst;
		HandlerMethod call = first == null || multipart(request) ? null : first.rpcCall(request);
		if (call == null) {
			super.service(request, response);
			return;
		}
		try {
			((RpcController) call.getBean()).call(request, response, request.getUserPrincipal());
		}
		catch (Exception failure) {
			answer(request, response, call, failure);
		}
	}

	private boolean multipart(HttpServletRequest request) {
		MultipartResolver multipart = getMultipartResolver();
		return multipart != null && multipart.isMultipart(request);
	}

	// As the dispatcher answers a handler's failure: its resolvers, with the handler; a view if one returns one; what
	// none resolves propagates as the dispatcher lets it (a ServletException around anything else) to the error page.
	private void answer(HttpServletRequest request, HttpServletResponse response, HandlerMethod call,
			Exception failure) throws ServletException, IOException {
		try {
			ModelAndView view = processHandlerException(request, response, call, failure);
			if (view != null) {
				render(view, request, response);
			}
		}
		catch (ServletException | IOException unresolved) {
			throw unresolved;
		}
		catch (Exception unresolved) {
			throw new ServletException("Request processing failed: " + unresolved, unresolved);
		}
	}
}
