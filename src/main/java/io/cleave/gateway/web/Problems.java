package io.cleave.gateway.web;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletResponse;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

import tools.jackson.databind.json.JsonMapper;

/**
 * Writes an RFC 9457 problem straight onto a servlet response, for the places outside Spring MVC's content
 * negotiation: filters, the error page and Tomcat's error report.
 */
public final class Problems {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private Problems() {
	}

	/** Answers {@code status} as {@code application/problem+json}, unless something was already sent. */
	public static void write(HttpServletResponse response, int status, @Nullable String detail) throws IOException {
		if (response.isCommitted()) {
			return;
		}
		response.resetBuffer();
		response.setStatus(status);
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.getOutputStream().write(body(status, detail));
	}

	/** The problem's bytes: {@code type}, {@code title} (the status's reason phrase), {@code status}, {@code detail}. */
	public static byte[] body(int status, @Nullable String detail) {
		Map<String, Object> problem = new LinkedHashMap<>();
		problem.put("type", "about:blank");
		problem.put("title", title(status));
		problem.put("status", status);
		if (detail != null) {
			problem.put("detail", detail);
		}
		return JSON.writeValueAsBytes(problem);
	}

	static String title(int status) {
		HttpStatus known = HttpStatus.resolve(status);
		return known == null ? "Error" : known.getReasonPhrase();
	}
}
