package io.cleave.registry.grpc.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import cleave.etcd.api.ResponseHeader;

/**
 * This node as the one member of an etcd cluster: the ids every response header carries. They are derived from
 * names, so they stay the same across restarts, as a real member's do.
 *
 * @param clusterId the cluster's id, from the application's name
 * @param memberId this member's id, from the node's name
 */
record EtcdMember(long clusterId, long memberId) {

	/** There is no Raft here; a constant term tells clients no election ever happened. */
	static final long RAFT_TERM = 1;

	static EtcdMember of(String clusterName, String nodeName) {
		return new EtcdMember(id("cluster:" + clusterName), id("member:" + nodeName));
	}

	ResponseHeader header(long revision) {
		return ResponseHeader.newBuilder()
				.setClusterId(clusterId)
				.setMemberId(memberId)
				.setRevision(revision)
				.setRaftTerm(RAFT_TERM)
				.build();
	}

	/** The first eight bytes of the name's SHA-256, never 0 (etcd reads 0 as "no member"). */
	private static long id(String name) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
			long id = ByteBuffer.wrap(digest).getLong();
			return id == 0 ? 1 : id;
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every Java platform has SHA-256", ex);
		}
	}
}
