package io.cleave.registry;

import org.jspecify.annotations.Nullable;

/**
 * One change to one key.
 *
 * @param type a put or a delete
 * @param kv the key after the change; for a delete, the key with its delete revision and no value
 * @param prevKv the key before the change, if the watch asked for it and it was still retained
 */
public record WatchEvent(Type type, KeyValue kv, @Nullable KeyValue prevKv) {

	public long revision() {
		return kv.modRevision();
	}

	public WatchEvent withoutPrevKv() {
		return prevKv == null ? this : new WatchEvent(type, kv, null);
	}

	/** The kind of change. */
	public enum Type {
		PUT, DELETE
	}
}
