package io.cleave.registry;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable byte string: the type of every key and value in the registry. Byte strings order bytewise, each
 * byte unsigned, which is etcd's key order.
 */
public final class Bytes implements Comparable<Bytes> {

	/** The empty byte string. */
	public static final Bytes EMPTY = new Bytes(new byte[0]);

	private final byte[] bytes;

	private Bytes(byte[] bytes) {
		this.bytes = bytes;
	}

	/** A copy of the given bytes. */
	public static Bytes of(byte[] bytes) {
		return bytes.length == 0 ? EMPTY : new Bytes(bytes.clone());
	}

	/** The UTF-8 encoding of a string. */
	public static Bytes utf8(String text) {
		return text.isEmpty() ? EMPTY : new Bytes(text.getBytes(StandardCharsets.UTF_8));
	}

	/** Wraps bytes the caller promises never to change; for adapters that already hold a private copy. */
	public static Bytes wrap(byte[] bytes) {
		return bytes.length == 0 ? EMPTY : new Bytes(bytes);
	}

	/** A copy of the bytes. */
	public byte[] toByteArray() {
		return bytes.clone();
	}

	/** The bytes themselves, for adapters that only read them. Do not change the array. */
	public byte[] unsafeArray() {
		return bytes;
	}

	public int size() {
		return bytes.length;
	}

	public boolean isEmpty() {
		return bytes.length == 0;
	}

	public boolean startsWith(Bytes prefix) {
		return bytes.length >= prefix.bytes.length
				&& Arrays.equals(bytes, 0, prefix.bytes.length, prefix.bytes, 0, prefix.bytes.length);
	}

	/** The bytes decoded as UTF-8 (malformed input is replaced, never thrown). */
	public String toStringUtf8() {
		return new String(bytes, StandardCharsets.UTF_8);
	}

	/**
	 * The smallest byte string greater than every string that starts with this one: the {@code range_end} of a
	 * prefix range in etcd. For the empty prefix, or one of only 0xff bytes, that is {@code "\0"}, which etcd reads
	 * as "no upper bound".
	 */
	public Bytes prefixEnd() {
		for (int i = bytes.length - 1; i >= 0; i--) {
			if (bytes[i] != (byte) 0xff) {
				byte[] end = Arrays.copyOf(bytes, i + 1);
				end[i]++;
				return new Bytes(end);
			}
		}
		return KeyRange.NO_UPPER_BOUND;
	}

	@Override
	public int compareTo(Bytes other) {
		return Arrays.compareUnsigned(bytes, other.bytes);
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof Bytes that && Arrays.equals(bytes, that.bytes);
	}

	@Override
	public int hashCode() {
		return Arrays.hashCode(bytes);
	}

	/** The UTF-8 text if the bytes are printable, else hex. */
	@Override
	public String toString() {
		String text = toStringUtf8();
		boolean printable = text.codePoints().allMatch(c -> c >= 0x20 && c != 0x7f && c != 0xfffd);
		return printable ? text : "0x" + HexFormat.of().formatHex(bytes);
	}
}
