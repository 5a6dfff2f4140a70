package io.cleave.gateway.web;

import jakarta.servlet.http.HttpServletRequest;

import io.micrometer.common.KeyValues;

import org.springframework.http.server.observation.DefaultServerRequestObservationConvention;
import org.springframework.http.server.observation.ServerRequestObservationContext;

/**
 * Boot's {@code http.server.requests} (method, uri template, status, outcome, exception) plus what the gateway knows
 * of a request, on every request so that each series has the same tags: {@code gateway.route} ({@code rpc},
 * {@code act}, {@code proxy:<id>} or {@code none}), and {@code rpc.service} / {@code rpc.method} (the declared names,
 * {@code UNKNOWN} for names no service declares, {@code none} off {@code /api}).
 */
final class GatewayRequestObservations extends DefaultServerRequestObservationConvention {

	private final GatewayRoutes routes;

	GatewayRequestObservations(GatewayRoutes routes) {
		this.routes = routes;
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(ServerRequestObservationContext context) {
		HttpServletRequest request = context.getCarrier();
		String pattern = context.getPathPattern();
		GatewayRoutes.RpcName rpc = routes.rpcName(request, pattern);
		return super.getLowCardinalityKeyValues(context).and(
				"gateway.route", GatewayRoutes.kind(request, pattern),
				"rpc.service", rpc.service(),
				"rpc.method", rpc.method());
	}
}
