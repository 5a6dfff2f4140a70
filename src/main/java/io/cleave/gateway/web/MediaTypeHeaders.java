package io.cleave.gateway.web;

import java.io.IOException;
import java.util.Collections;
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
// A plain HttpFilter: registered for REQUEST dispatches only, it runs once per request without OncePerRequestFilter\'s
// request-attribute bookkeeping (a set and a remove on every request).
final class MediaTypeHeaders extends HttpFilter {

	@Override
	protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		for (String accept : Collections.list(request.getHeaders("Accept"))) {
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
		try {
			MediaType type = MediaType.parseMediaType(contentType);
			return type.isConcrete();
		}
		catch (InvalidMediaTypeException ex) {
			return false;
		}
	}
}
