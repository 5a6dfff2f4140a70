package io.cleave.registry;

/**
 * A write of one key, etcd's {@code PutRequest}.
 *
 * @param key the key; never empty
 * @param value the new value (ignored with {@code ignoreValue})
 * @param lease attach the key to this lease, 0 for none; the lease must exist
 * @param prevKv return the key as it was before the write
 * @param ignoreValue keep the current value; the key must exist
 * @param ignoreLease keep the current lease; the key must exist
 */
public record Put(Bytes key, Bytes value, long lease, boolean prevKv, boolean ignoreValue, boolean ignoreLease)
		implements Op {

	public Put {
		if (key.isEmpty()) {
			throw RegistryException.invalidArgument("key is not provided");
		}
		if (lease < 0) {
			throw RegistryException.invalidArgument("lease must not be negative, was " + lease);
		}
		if (ignoreValue && !value.isEmpty()) {
			throw RegistryException.invalidArgument("value is provided although ignore_value is set");
		}
		if (ignoreLease && lease != 0) {
			throw RegistryException.invalidArgument("lease is provided although ignore_lease is set");
		}
	}

	public static Put of(Bytes key, Bytes value) {
		return new Put(key, value, 0, false, false, false);
	}

	public static Put of(String key, String value) {
		return of(Bytes.utf8(key), Bytes.utf8(value));
	}

	public Put withLease(long newLease) {
		return new Put(key, value, newLease, prevKv, ignoreValue, ignoreLease);
	}

	public Put withPrevKv() {
		return new Put(key, value, lease, true, ignoreValue, ignoreLease);
	}
}
