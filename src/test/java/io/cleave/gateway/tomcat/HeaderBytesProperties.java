package io.cleave.gateway.tomcat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import org.apache.tomcat.util.buf.ByteChunk;
import org.apache.tomcat.util.buf.MessageBytes;
import org.apache.tomcat.util.http.MimeHeaders;
import org.junit.jupiter.api.Test;

/**
 * {@link HeaderBytes} gives Tomcat the very bytes it would have written for a header: its own encoding of the name and
 * value ({@code MessageBytes.toBytes}) followed by the control-character rule of its HTTP/1.1 writer (every control
 * character but tab written as a space, {@code Http11OutputBuffer.write}); what Tomcat would refuse to encode it leaves
 * to Tomcat.
 */
class HeaderBytesProperties {

	@Property(tries = 2000)
	void encodesNamesAndValuesAsTomcatWrites(@ForAll("latin1") String name, @ForAll("latin1") String value) {
		MimeHeaders headers = new MimeHeaders();
		headers.addValue(name).setString(value);

		HeaderBytes.encode(headers);

		assertThat(headers.getName(0).getType()).isEqualTo(MessageBytes.T_BYTES);
		assertThat(headers.getValue(0).getType()).isEqualTo(MessageBytes.T_BYTES);
		assertThat(bytes(headers.getName(0))).isEqualTo(tomcatWrites(name));
		assertThat(bytes(headers.getValue(0))).isEqualTo(tomcatWrites(value));
	}

	@Property(tries = 500)
	void leavesToTomcatWhatItWouldRefuseToEncode(@ForAll("latin1") String prefix, @ForAll("beyondLatin1") String rest) {
		MimeHeaders headers = new MimeHeaders();
		headers.addValue("X-Name").setString(prefix + rest);

		HeaderBytes.encode(headers);

		assertThat(headers.getValue(0).getType()).isEqualTo(MessageBytes.T_STR);
		assertThat(headers.getValue(0).getString()).isEqualTo(prefix + rest);
		assertThat(headers.getName(0).getType()).as("the name still encoded").isEqualTo(MessageBytes.T_BYTES);
	}

	@Test
	void leavesValuesOfAnotherCharsetAndBytesAsTheyAre() {
		MimeHeaders headers = new MimeHeaders();
		MessageBytes utf8 = headers.addValue("Content-Disposition");
		utf8.setCharset(StandardCharsets.UTF_8);
		utf8.setString("attachment; filename=\"a\"");
		byte[] raw = { 'a', '\r', 'b' };
		headers.addValue("X-Raw").setBytes(raw, 0, raw.length);

		HeaderBytes.encode(headers);

		assertThat(headers.getValue(0).getType()).isEqualTo(MessageBytes.T_STR);
		assertThat(bytes(headers.getValue(1))).as("bytes are Tomcat's to write as given").containsExactly('a', '\r', 'b');
	}

	@Provide
	Arbitrary<String> latin1() {
		return Arbitraries.frequencyOf(
				net.jqwik.api.Tuple.of(4, Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(40)),
				net.jqwik.api.Tuple.of(2, Arbitraries.strings().withChars("a\r\n\t\u0000\u001f\u007f\u0080\u00e9\u00ff ")
						.ofMaxLength(12)),
				net.jqwik.api.Tuple.of(1, Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(20)));
	}

	@Provide
	Arbitrary<String> beyondLatin1() {
		return Arbitraries.strings().withCharRange('\u0100', '\uffff').ofMinLength(1).ofMaxLength(4)
				.map(s -> s.replaceAll("[\\ud800-\\udfff]", "\u20ac"));
	}

	/** What Tomcat writes for a string it encodes itself: ISO-8859-1 bytes, then control characters but tab as spaces. */
	private static byte[] tomcatWrites(String text) {
		MessageBytes tomcat = MessageBytes.newInstance();
		tomcat.setString(text);
		tomcat.toBytes();
		byte[] bytes = bytes(tomcat);
		for (int i = 0; i < bytes.length; i++) {
			if (bytes[i] > -1 && bytes[i] <= 31 && bytes[i] != 9 || bytes[i] == 127) {
				bytes[i] = ' ';
			}
		}
		return bytes;
	}

	private static byte[] bytes(MessageBytes text) {
		ByteChunk chunk = text.getByteChunk();
		return Arrays.copyOfRange(chunk.getBuffer(), chunk.getStart(), chunk.getEnd());
	}
}
