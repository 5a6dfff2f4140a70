package io.cleave.messaging;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A message pattern: a set of property names with the string value each must have, in go-nano's string form
 * {@code role:math,cmd:sum}; two patterns with the same pairs are equal whatever the order they were written in.
 *
 * <p>Names are non-blank and contain neither {@code ,} nor {@code :}; values are non-empty and contain no {@code ,},
 * so that {@link #toString()} always parses back to the same pattern. The empty pattern matches every message.
 *
 * @param properties the pairs, sorted by name and unmodifiable
 */
public record Pattern(SortedMap<String, String> properties) {

	/** The pattern without properties: the catch-all. */
	public static final Pattern EMPTY = new Pattern(new TreeMap<>());

	public Pattern {
		var sorted = new TreeMap<String, String>();
		properties.forEach((name, value) -> sorted.put(checkName(name), checkValue(name, value)));
		properties = Collections.unmodifiableSortedMap(sorted);
	}

	/**
	 * The pattern with these pairs.
	 *
	 * @throws IllegalArgumentException naming the offending pair when a name or value is not allowed
	 */
	public static Pattern of(Map<String, String> properties) {
		if (properties instanceof SortedMap<String, String> sorted) {
			return new Pattern(sorted);
		}
		var sorted = new TreeMap<String, String>();
		properties.forEach((name, value) -> sorted.put(checkName(name), value));
		return new Pattern(sorted);
	}

	/**
	 * Parses go-nano's form: {@code name:value} pairs separated by commas, blanks around names and values ignored.
	 * An empty or blank text is the empty pattern; a value may contain {@code :} (only the first one separates).
	 *
	 * @throws IllegalArgumentException saying which pair is malformed (no {@code :}, empty name or value, a name given twice)
	 */
	public static Pattern parse(String text) {
		if (text.isBlank()) {
			return EMPTY;
		}
		var pairs = new TreeMap<String, String>();
		for (String pair : text.split(",", -1)) {
			int colon = pair.indexOf(':');
			if (colon < 0) {
				throw new IllegalArgumentException("Malformed pattern '%s': pair '%s' is not of the form name:value"
						.formatted(text, pair.strip()));
			}
			String name = pair.substring(0, colon).strip();
			String value = pair.substring(colon + 1).strip();
			if (name.isEmpty()) {
				throw new IllegalArgumentException("Malformed pattern '%s': pair '%s' has no name".formatted(text, pair.strip()));
			}
			if (value.isEmpty()) {
				throw new IllegalArgumentException("Malformed pattern '%s': '%s' has no value".formatted(text, name));
			}
			if (pairs.putIfAbsent(name, value) != null) {
				throw new IllegalArgumentException("Malformed pattern '%s': '%s' is given twice".formatted(text, name));
			}
		}
		return new Pattern(pairs);
	}

	/** The number of properties. */
	public int size() {
		return properties.size();
	}

	/** Whether this is the empty (catch-all) pattern. */
	public boolean isEmpty() {
		return properties.isEmpty();
	}

	/** The canonical string form: pairs sorted by name, {@code cmd:sum,role:math}; parses back to this pattern. */
	@Override
	public String toString() {
		return properties.entrySet()
			.stream()
			.map(pair -> pair.getKey() + ":" + pair.getValue())
			.collect(Collectors.joining(","));
	}

	private static String checkName(String name) {
		if (name == null || name.isBlank()) {
			throw new IllegalArgumentException("A pattern property name must not be empty (got '%s')".formatted(name));
		}
		if (name.indexOf(',') >= 0 || name.indexOf(':') >= 0) {
			throw new IllegalArgumentException("A pattern property name must not contain ',' or ':' (got '%s')".formatted(name));
		}
		return name;
	}

	private static String checkValue(String name, String value) {
		if (value == null || value.isEmpty()) {
			throw new IllegalArgumentException("Pattern property '%s' has no value".formatted(name));
		}
		if (value.indexOf(',') >= 0) {
			throw new IllegalArgumentException("Pattern property '%s' has a value containing ',' (got '%s')".formatted(name, value));
		}
		return value;
	}
}
