package io.cleave.status;

import java.io.IOException;

/**
 * A request body read past its limit: thrown by the body stream the moment the limit is passed, so that whatever was
 * reading it (a JSON parser, a module's REST adapter) fails, and answered with 413 by every web adapter that sees it
 * among an exception's causes. The message names the limit and its setting.
 */
public final class RequestTooLarge extends IOException {

	public RequestTooLarge(String message) {
		super(message);
	}
}
