package io.cleave.gateway.proxy;

import java.time.Duration;

import org.springframework.cloud.gateway.server.mvc.common.MvcUtils;
import org.springframework.cloud.gateway.server.mvc.common.Shortcut;
import org.springframework.cloud.gateway.server.mvc.filter.SimpleFilterSupplier;
import org.springframework.web.servlet.function.HandlerFilterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Cleave's filters for proxy routes, usable in {@code spring.cloud.gateway.server.webmvc.routes[n].filters} like
 * Spring Cloud Gateway's own ({@code - Timeout=2s}). Public because the gateway finds filters by reflection.
 */
public abstract class ProxyFilterFunctions {

	/** Request attribute holding the route's upstream deadline. */
	static final String TIMEOUT_ATTRIBUTE = ProxyFilterFunctions.class.getName() + ".timeout";

	private ProxyFilterFunctions() {
	}

	/**
	 * The route's deadline for the upstream's whole answer, in place of {@code cleave.gateway.request-timeout}: without
	 * response headers by then the caller gets 504; a body still streaming then is cut off (so a streaming route needs
	 * a deadline as long as its streams).
	 */
	@Shortcut
	public static HandlerFilterFunction<ServerResponse, ServerResponse> timeout(Duration timeout) {
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("Timeout of a proxy route must be positive, was " + timeout);
		}
		return (request, next) -> {
			MvcUtils.putAttribute(request, TIMEOUT_ATTRIBUTE, timeout);
			return next.handle(request);
		};
	}

	/** Lets the gateway's configuration find these filters. */
	static final class FilterSupplier extends SimpleFilterSupplier {

		FilterSupplier() {
			super(ProxyFilterFunctions.class);
		}
	}
}
