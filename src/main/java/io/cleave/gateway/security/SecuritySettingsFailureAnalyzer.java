package io.cleave.gateway.security;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns {@link SecuritySettingsException} into Boot's start-up failure report: what is missing, and how to set it. */
final class SecuritySettingsFailureAnalyzer extends AbstractFailureAnalyzer<SecuritySettingsException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, SecuritySettingsException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
	}
}
