package io.cleave.rpc.endpoint;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/** How RPC names are spelled and matched on every transport. */
final class RpcNames {

	/** Names usable as protobuf identifiers, so every transport can carry them unchanged. */
	static final Pattern VALID = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

	private RpcNames() {
	}

	/** A method's RPC name: its Java name with the first letter in upper case. */
	static String methodName(String javaName) {
		return capitalize(javaName);
	}

	/** Whether {@code requested} names {@code declared}: as declared, or with goms' first-letter capitalisation. */
	static boolean matches(String declared, String requested) {
		return declared.equals(requested) || declared.equals(capitalize(requested));
	}

	/** {@code name} with its first letter in upper case; {@code name} itself when it already starts with one. */
	private static String capitalize(String name) {
		return name.isEmpty() || Character.isUpperCase(name.charAt(0)) ? name
				: Character.toUpperCase(name.charAt(0)) + name.substring(1);
	}

	/**
	 * The lookup form of {@link #matches}, for names looked up on every call: of the items whose name is the requested
	 * one or that one capitalised, the first in the list's order (what a search of the list would find).
	 */
	static final class Index<T> {

		private final Map<String, Integer> positions = new HashMap<>();

		private final List<T> items;

		Index(List<T> items, Function<T, String> name) {
			this.items = items;
			for (int i = items.size() - 1; i >= 0; i--) {
				positions.put(name.apply(items.get(i)), i);
			}
		}

		@Nullable T find(String requested) {
			Integer exact = positions.get(requested);
			String capitalised = capitalize(requested);
			Integer other = capitalised == requested ? null : positions.get(capitalised); // the same name: looked up
			if (exact == null && other == null) {
				return null;
			}
			return items.get(exact == null ? other : other == null ? exact : Math.min(exact, other));
		}
	}
}
