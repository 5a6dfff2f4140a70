package io.cleave.testing;

import java.net.http.HttpRequest;

/**
 * Credentials tests present to a node's HTTP edge: every test request to a protected route goes through one of
 * these, so that the way tests authenticate is defined once.
 */
public final class TestCallers {

	private TestCallers() {
	}

	/** The request as an operator (may read and change the registry, dead letters, actuator). */
	public static HttpRequest.Builder asOperator(HttpRequest.Builder request) {
		return request;
	}

	/** The request as an authenticated caller without the operator role (may call {@code /api/**}, {@code /act}). */
	public static HttpRequest.Builder asUser(HttpRequest.Builder request) {
		return request;
	}
}
