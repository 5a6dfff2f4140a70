package io.cleave.registry;

import java.util.List;

/**
 * One condition of a {@link Txn}, etcd's {@code Compare}: a key's (or every key's in a range) version, create
 * revision, mod revision, value or lease, compared to an operand.
 *
 * <p>A key that does not exist has version, revisions and lease 0, and no value: a value compare against a missing
 * key fails whatever the operator.
 *
 * @param range the key, or the keys that must all satisfy the condition
 * @param target what is compared
 * @param result the operator
 * @param number the operand for every target but {@link Target#VALUE}
 * @param value the operand for {@link Target#VALUE}
 */
public record Compare(KeyRange range, Target target, Result result, long number, Bytes value) {

	public Compare {
		if (target != Target.VALUE && !value.isEmpty()) {
			throw RegistryException.invalidArgument("a " + target + " compare takes a number, not a value");
		}
		if (target != Target.VALUE && number < 0) {
			throw RegistryException.invalidArgument("a " + target + " compare needs a number >= 0, was " + number);
		}
	}

	public static Compare version(KeyRange range, Result result, long version) {
		return new Compare(range, Target.VERSION, result, version, Bytes.EMPTY);
	}

	public static Compare createRevision(KeyRange range, Result result, long revision) {
		return new Compare(range, Target.CREATE, result, revision, Bytes.EMPTY);
	}

	public static Compare modRevision(KeyRange range, Result result, long revision) {
		return new Compare(range, Target.MOD, result, revision, Bytes.EMPTY);
	}

	public static Compare lease(KeyRange range, Result result, long lease) {
		return new Compare(range, Target.LEASE, result, lease, Bytes.EMPTY);
	}

	public static Compare value(KeyRange range, Result result, Bytes value) {
		return new Compare(range, Target.VALUE, result, 0, value);
	}

	/** Whether one key satisfies the condition. */
	public boolean holdsFor(KeyValue kv) {
		int order = switch (target) {
			case VERSION -> Long.compare(kv.version(), number);
			case CREATE -> Long.compare(kv.createRevision(), number);
			case MOD -> Long.compare(kv.modRevision(), number);
			case LEASE -> Long.compare(kv.lease(), number);
			case VALUE -> kv.value().compareTo(value);
		};
		return switch (result) {
			case EQUAL -> order == 0;
			case NOT_EQUAL -> order != 0;
			case GREATER -> order > 0;
			case LESS -> order < 0;
		};
	}

	/** Whether the condition holds for the keys found in its range (empty: none exists). */
	public boolean holdsFor(List<KeyValue> found) {
		if (found.isEmpty()) {
			return target != Target.VALUE && holdsFor(new KeyValue(range.key(), Bytes.EMPTY, 0, 0, 0, 0));
		}
		return found.stream().allMatch(this::holdsFor);
	}

	/** What a compare looks at. */
	public enum Target {
		VERSION, CREATE, MOD, VALUE, LEASE
	}

	/** A compare's operator: the key's side is on the left. */
	public enum Result {
		EQUAL, GREATER, LESS, NOT_EQUAL
	}
}
