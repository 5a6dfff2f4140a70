package io.cleave.registry.internal;

/**
 * What etcd's Maintenance service reports about the embedded store: how much disk it takes and a fingerprint of its
 * content, so that etcd's status and consistency tools tell the truth about it.
 */
public interface StoreMaintenance {

	/** The database's size on disk and how much of it holds data. */
	Size size();

	/**
	 * etcd's {@code HashKV}: a CRC-32C of every version of every key kept at or before {@code revision} (0 for the
	 * current one), in revision order. It depends on the store's content only, so every node sharing a database
	 * computes the same hash for the same revision, and it does not change when later revisions are written.
	 * Fails as compacted or future like a read at that revision.
	 */
	Hash hashKv(long revision);

	/** etcd's {@code Hash}: a CRC-32C of the whole store at its current revision, history and leases included. */
	Hash hash();

	/**
	 * @param bytes the database's size on disk
	 * @param bytesInUse the part of it holding live data: H2's file less its free space; on PostgreSQL, what the
	 *     registry's tables and indexes take of the database
	 */
	record Size(long bytes, long bytesInUse) {
	}

	/**
	 * @param value the CRC-32C, an unsigned 32-bit number
	 * @param revision the revision it covers
	 * @param compactRevision the revision history was compacted to when it was computed
	 * @param currentRevision the store's revision when it was computed
	 */
	record Hash(int value, long revision, long compactRevision, long currentRevision) {
	}
}
