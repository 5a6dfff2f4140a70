package io.cleave.registry;

/**
 * One key at one revision, as etcd reports it.
 *
 * @param key the key, never empty
 * @param value the value; empty when the read asked for keys only
 * @param createRevision revision of the write that last created the key
 * @param modRevision revision of the write that last changed it
 * @param version how many times the key was written since it was created (1 after the creating write)
 * @param lease the lease the key is attached to, 0 for none
 */
public record KeyValue(Bytes key, Bytes value, long createRevision, long modRevision, long version, long lease) {
}
