package io.cleave.gateway.web;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Who is calling, as every gateway concern names it (rate limits, access log, metrics): the authenticated
 * principal once authentication has run, else the client's address.
 */
public final class ClientIdentity {

	/**
	 * Request attribute holding the authenticated caller's name. Authentication sets it; filters that run around
	 * the security chain (the access log) read it after the chain returns, when the security context is gone.
	 */
	public static final String ATTRIBUTE = ClientIdentity.class.getName();

	private ClientIdentity() {
	}

	/** The caller's name if authentication recognised one, else {@code anonymous@<remote address>}. */
	public static String of(HttpServletRequest request) {
		if (request.getAttribute(ATTRIBUTE) instanceof String name) {
			return name;
		}
		return "anonymous@" + request.getRemoteAddr();
	}

	/** Records the authenticated caller's name on the request. */
	public static void set(HttpServletRequest request, String name) {
		request.setAttribute(ATTRIBUTE, name);
	}
}
