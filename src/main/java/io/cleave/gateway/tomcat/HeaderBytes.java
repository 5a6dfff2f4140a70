package io.cleave.gateway.tomcat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.ServletException;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.tomcat.util.buf.MessageBytes;
import org.apache.tomcat.util.http.FastHttpDateFormat;
import org.apache.tomcat.util.http.MimeHeaders;

/**
 * Encodes a response's header names and values once the request is served, before Tomcat writes them: Tomcat encodes
 * each name and each value through a new {@code CharsetEncoder} over a {@code CharBuffer} wrapping the string — the
 * JDK's slowest encoding path, some 0.2 µs a string — which made writing the gateway's seven headers a tenth of its
 * CPU per request (bench/gateway.sh, JFR). The bytes are exactly Tomcat's: ISO-8859-1, every control character but
 * tab written as a space (what Tomcat does, but only to strings it encodes itself, so it is done here too). A string
 * with a character beyond ISO-8859-1, or of another charset, is left to Tomcat, as is every header of a response
 * already committed (its headers are out) or of an asynchronous request (another thread may still be writing them).
 * {@code Date}, which Tomcat adds unless a response has one, is added here, as bytes, with the value Tomcat would give
 * it; Tomcat still encodes {@code Content-Type} and the name {@code Content-Length}, which it sets as it commits.
 */
final class HeaderBytes extends ValveBase {

	private static final String DATE = "Date";

	/** The date Tomcat would write, encoded once for the second it stands for. */
	private volatile Encoded date = new Encoded("", new byte[0]);

	private record Encoded(String text, byte[] bytes) {
	}

	HeaderBytes() {
		super(true);
	}

	@Override
	public void invoke(Request request, Response response) throws IOException, ServletException {
		getNext().invoke(request, response);
		if (!response.isCommitted() && !request.isAsync()) {
			MimeHeaders headers = response.getCoyoteResponse().getMimeHeaders();
			if (headers.getValue(DATE) == null) {
				byte[] now = now();
				headers.addValue(DATE).setBytes(now, 0, now.length);
			}
			encode(headers);
		}
	}

	/** {@link FastHttpDateFormat#getCurrentDate()} as bytes: a copy, as Tomcat may reuse the array it is given. */
	private byte[] now() {
		String now = FastHttpDateFormat.getCurrentDate();
		Encoded kept = date;
		if (!kept.text().equals(now)) {
			kept = new Encoded(now, now.getBytes(StandardCharsets.ISO_8859_1));
			date = kept;
		}
		return kept.bytes().clone();
	}

	static void encode(MimeHeaders headers) {
		for (int i = 0, size = headers.size(); i < size; i++) {
			encode(headers.getName(i));
			encode(headers.getValue(i));
		}
	}

	private static void encode(MessageBytes text) {
		if (text.getType() != MessageBytes.T_STR || !StandardCharsets.ISO_8859_1.equals(text.getCharset())) {
			return;
		}
		String string = text.getString();
		byte[] bytes = new byte[string.length()];
		for (int i = 0; i < bytes.length; i++) {
			char c = string.charAt(i);
			if (c > 0xFF) {
				return;
			}
			bytes[i] = (byte) (c < ' ' && c != '\t' || c == 0x7F ? ' ' : c);
		}
		text.setBytes(bytes, 0, bytes.length);
	}
}
