package io.cleave.gateway.security;

/**
 * Security settings that stop the node from starting: missing in the {@code prod} profile, or unusable (a key that
 * does not parse). Its message names the properties; {@link SecuritySettingsFailureAnalyzer} says what to do.
 */
final class SecuritySettingsException extends RuntimeException {

	private final String action;

	SecuritySettingsException(String description, String action) {
		super(description);
		this.action = action;
	}

	SecuritySettingsException(String description, String action, Throwable cause) {
		super(description, cause);
		this.action = action;
	}

	String action() {
		return action;
	}
}
