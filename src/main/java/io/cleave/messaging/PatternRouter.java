package io.cleave.messaging;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Finds the data registered under the most specific pattern that matches a message, with Seneca's patrun rules.
 *
 * <p>A pattern matches a subject when the subject has every property of the pattern with the same value (values
 * compare as strings; subject properties no pattern mentions are ignored; the empty pattern matches everything).
 * Among the matching patterns, <b>(1)</b> the one with more properties wins; <b>(2)</b> between patterns with as
 * many properties, property names are checked in alphabetical order and the pattern that has the first name wins
 * (with {@code {a:0}} and {@code {c:2}} registered, {@code {a:0,c:2}} finds the first). The result does not depend
 * on the order in which patterns were added.
 *
 * <p>With globs ({@link #createWithGlobs()}), a pattern value containing {@code *} (any run of characters) or
 * {@code ?} (one character) matches the subject values it describes; for the same property an exact value beats a
 * glob, and a glob with more literal characters beats one with fewer. Without globs these characters are literal.
 *
 * <p>Reads never lock and never see a half-applied change: every change publishes a new immutable tree, so lookups
 * running while patterns are added or removed see the table either before or after each change. Changes are
 * serialised among themselves; they are meant to be rare next to lookups.
 *
 * @param <T> what a pattern leads to (a handler, a queue name…)
 */
public interface PatternRouter<T> {

	/** A router whose pattern values are compared literally. */
	static <T> PatternRouter<T> create() {
		return new TreePatternRouter<>(false);
	}

	/** A router whose pattern values may be globs ({@code *} and {@code ?}). */
	static <T> PatternRouter<T> createWithGlobs() {
		return new TreePatternRouter<>(true);
	}

	/**
	 * Registers {@code data} under the pattern, replacing what was registered under the same pattern.
	 *
	 * @return the data it replaced, or {@code null}
	 * @throws IllegalArgumentException when the pattern is not a valid {@link Pattern}
	 */
	@Nullable T add(Map<String, String> pattern, T data);

	/** Registers {@code data} under the pattern, replacing what was registered under the same pattern. */
	default @Nullable T add(Pattern pattern, T data) {
		return add(pattern.properties(), data);
	}

	/** The data of the most specific pattern matching the subject, or {@code null} when none matches. */
	@Nullable T find(Map<String, String> subject);

	/**
	 * The data of a pattern that matches every property of the subject (no property left unmatched), or
	 * {@code null}; with globs, the most specific such pattern.
	 */
	@Nullable T findExact(Map<String, String> subject);

	/**
	 * Removes the pattern (the same pairs, glob values compared literally).
	 *
	 * @return the data it was registered with, or {@code null} when it was not registered
	 */
	@Nullable T remove(Map<String, String> pattern);

	/** Removes the pattern. */
	default @Nullable T remove(Pattern pattern) {
		return remove(pattern.properties());
	}

	/**
	 * The registered patterns that contain the partial one: each has every property of {@code partial}, with the same
	 * value or any value where {@code partial} says {@code *}. The empty partial lists everything. Patterns come
	 * sorted pair by pair (name, then exact values before globs), each before the longer patterns that extend it.
	 */
	List<Entry<T>> list(Map<String, String> partial);

	/** Every registered pattern. */
	default List<Entry<T>> list() {
		return list(Map.of());
	}

	/** The number of registered patterns. */
	int size();

	/**
	 * One registered pattern and its data.
	 *
	 * @param pattern the pattern
	 * @param data what it leads to
	 * @param <T> the router's data type
	 */
	record Entry<T>(Pattern pattern, T data) {
	}
}
