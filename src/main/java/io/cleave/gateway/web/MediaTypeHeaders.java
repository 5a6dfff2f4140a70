package io.cleave.gateway.web;

import java.io.IOException;
import java.util.Enumeration;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;

/**
 * Refuses {@code Accept} and {@code Content-Type} headers that are not media types before Spring MVC parses them again
 * in places where a parse failure is no longer a client error: 400 for an unparsable {@code Accept} (even the problem
 * could not be negotiated against it), 415 for a {@code Content-Type} that is unparsable or a wildcard.
 */
// A plain HttpFilter: registered for REQUEST dispatches only, it runs once per request without OncePerRequestFilter's
// request-attribute bookkeeping (a set and a remove on every request).
final class MediaTypeHeaders extends HttpFilter {

	@Override
	protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		Enumeration<String> accepts = request.getHeaders("Accept");
		while (accepts.hasMoreElements()) {
			String accept = accepts.nextElement();
			if (accept.equals("*/*") || accept.equals(MediaType.APPLICATION_JSON_VALUE)) {
				continue; // the common values, valid as they stand
			}
			try {
				MediaType.parseMediaTypes(List.of(accept));
			}
			catch (InvalidMediaTypeException ex) {
				Problems.write(response, 400, "the Accept header is not a list of media types");
				return;
			}
		}
		String contentType = request.getContentType();
		if (contentType != null && !concrete(contentType)) {
			Problems.write(response, 415, "the Content-Type header is not a concrete media type");
			return;
		}
		chain.doFilter(request, response);
	}

	private static boolean concrete(String contentType) {
		if (contentType.equals(MediaType.APPLICATION_JSON_VALUE)) {
			return true; // what nearly every call sends, concrete as it stands: no parse
		}
		try {
			MediaType type = MediaType.parseMediaType(contentType);
			return type.isConcrete();
		}
		catch (InvalidMediaTypeException ex) {
			return false;
		}
	}
}
