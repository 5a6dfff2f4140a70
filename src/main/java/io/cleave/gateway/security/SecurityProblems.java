package io.cleave.gateway.security;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.cleave.status.Status;
import io.cleave.status.StatusProblems;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.InsufficientAuthenticationException;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenError;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;

import tools.jackson.databind.json.JsonMapper;

/**
 * Refusals of the security chain as RFC 9457 problems: 401 with a {@code WWW-Authenticate} challenge saying how to
 * authenticate (and, for a bad bearer token, why it was refused), 403 naming the role or scope the route needs, 400
 * for a URL the firewall refuses. Never an exception's class or stack.
 */
final class SecurityProblems implements AuthenticationEntryPoint, AccessDeniedHandler, RequestRejectedHandler {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	static final String REALM = "cleave";

	private static final String BEARER = "Bearer realm=\"" + REALM + "\"";

	private static final String BASIC = "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"";

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
			throws IOException {
		if (failure instanceof OAuth2AuthenticationException oauth && oauth.getError() instanceof BearerTokenError bearer) {
			String detail = bearer.getDescription() == null ? "the bearer token is not valid" : bearer.getDescription();
			response.addHeader(HttpHeaders.WWW_AUTHENTICATE, BEARER + ", error=\"" + bearer.getErrorCode()
					+ "\", error_description=\"" + quotable(detail) + "\"");
			write(response, bearer.getHttpStatus().value() == 400 ? Status.INVALID_ARGUMENT : Status.UNAUTHENTICATED,
					detail);
			return;
		}
		response.addHeader(HttpHeaders.WWW_AUTHENTICATE, BEARER);
		response.addHeader(HttpHeaders.WWW_AUTHENTICATE, BASIC);
		String detail;
		if (failure instanceof ApiKeyAuthentication.Refused refused) {
			detail = refused.getMessage();
		}
		else if (failure instanceof InsufficientAuthenticationException) {
			detail = "this route needs an authenticated caller: send a bearer token, HTTP Basic credentials or an "
					+ ApiKeyAuthentication.HEADER + " header";
		}
		else {
			// HTTP Basic: which of the name and the password was wrong is not for the caller to learn.
			detail = "the HTTP Basic user name or password is not valid";
		}
		write(response, Status.UNAUTHENTICATED, detail);
	}

	@Override
	public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
			throws IOException {
		String detail = denied instanceof AuthorizationDeniedException decided
				&& decided.getAuthorizationResult() instanceof RouteAccess.Decision decision
						? decision.refusal() : "the caller may not use this route";
		write(response, Status.PERMISSION_DENIED, detail);
	}

	@Override
	public void handle(HttpServletRequest request, HttpServletResponse response, RequestRejectedException rejected)
			throws IOException {
		// Refused before routing, so that path rules cannot be dodged with encoded, doubled or dotted segments.
		write(response, Status.INVALID_ARGUMENT, "the request is refused: its method is not a standard one, or its URL "
				+ "holds a path parameter (;), an encoded or doubled slash, a dot segment or a control character");
	}

	private static void write(HttpServletResponse response, Status status, String detail) throws IOException {
		if (response.isCommitted()) {
			return;
		}
		ProblemDetail problem = StatusProblems.of(status, detail);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", problem.getType() == null ? "about:blank" : problem.getType().toString());
		body.put("title", problem.getTitle());
		body.put("status", problem.getStatus());
		body.put("detail", problem.getDetail());
		if (problem.getProperties() != null) {
			body.putAll(problem.getProperties());
		}
		response.resetBuffer();
		response.setStatus(problem.getStatus());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.getOutputStream().write(JSON.writeValueAsBytes(body));
	}

	/** A quoted-string's content (RFC 9110): no quotes, backslashes or controls. */
	private static String quotable(String text) {
		return text.replaceAll("[\"\\\\\\p{Cntrl}]", "'");
	}
}
