package io.cleave.registry;

/**
 * The keys an operation applies to, in etcd's encoding: {@code end} empty means the single key {@code key};
 * otherwise the half-open interval {@code [key, end)}, where an {@code end} of {@code "\0"} means "no upper bound"
 * and a {@code key} of {@code "\0"} with that end means every key.
 *
 * @param key the single key or the first key of the interval; never empty
 * @param end empty for a single key, else the exclusive upper bound
 */
public record KeyRange(Bytes key, Bytes end) {

	/** {@code "\0"}: as a range end, no upper bound. */
	public static final Bytes NO_UPPER_BOUND = Bytes.wrap(new byte[] {0});

	public KeyRange {
		if (key.isEmpty()) {
			throw RegistryException.invalidArgument("key is not provided");
		}
		if (!end.isEmpty() && !end.equals(NO_UPPER_BOUND) && end.compareTo(key) <= 0) {
			throw RegistryException.invalidArgument(
					"range end '" + end + "' must sort after the key '" + key + "' (or be \\0 for no upper bound)");
		}
	}

	public static KeyRange key(Bytes key) {
		return new KeyRange(key, Bytes.EMPTY);
	}

	public static KeyRange key(String key) {
		return key(Bytes.utf8(key));
	}

	/** Every key that starts with {@code prefix}. */
	public static KeyRange prefix(Bytes prefix) {
		return prefix.isEmpty() ? all() : new KeyRange(prefix, prefix.prefixEnd());
	}

	public static KeyRange prefix(String prefix) {
		return prefix(Bytes.utf8(prefix));
	}

	/** Every key from {@code key} on. */
	public static KeyRange fromKey(Bytes key) {
		return new KeyRange(key, NO_UPPER_BOUND);
	}

	/** Every key. */
	public static KeyRange all() {
		return new KeyRange(NO_UPPER_BOUND, NO_UPPER_BOUND);
	}

	/** Builds a range from etcd's wire form, where an empty end means a single key. */
	public static KeyRange of(Bytes key, Bytes end) {
		return new KeyRange(key, end);
	}

	public boolean isSingleKey() {
		return end.isEmpty();
	}

	public boolean hasUpperBound() {
		return !end.equals(NO_UPPER_BOUND);
	}

	public boolean contains(Bytes candidate) {
		if (isSingleKey()) {
			return key.equals(candidate);
		}
		return candidate.compareTo(key) >= 0 && (!hasUpperBound() || candidate.compareTo(end) < 0);
	}

	@Override
	public String toString() {
		return isSingleKey() ? key.toString() : "[" + key + ", " + (hasUpperBound() ? end.toString() : "∞") + ")";
	}
}
