package io.cleave.registry.grpc.server;

import static io.cleave.registry.grpc.server.GrpcErrors.respond;

import io.cleave.registry.KeyValueStore;
import io.cleave.registry.grpc.etcd.MaintenanceGrpc;
import io.cleave.registry.grpc.etcd.StatusRequest;
import io.cleave.registry.grpc.etcd.StatusResponse;
import io.grpc.stub.StreamObserver;

/**
 * etcd's Maintenance service, {@code Status} only ({@code etcdctl endpoint status}); the other calls (defragment,
 * snapshot, alarms, …) answer {@code UNIMPLEMENTED}.
 */
final class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {

	/** The etcd API version this server speaks, that of Debian's etcd 3.4. */
	static final String VERSION = "3.4.0";

	private final KeyValueStore store;

	private final EtcdMember member;

	MaintenanceService(KeyValueStore store, EtcdMember member) {
		this.store = store;
		this.member = member;
	}

	/** The only member is always the leader; with no Raft log, the store's revision stands in for its index. */
	@Override
	public void status(StatusRequest request, StreamObserver<StatusResponse> observer) {
		respond(observer, () -> {
			long revision = store.revision();
			return StatusResponse.newBuilder()
					.setHeader(member.header(revision))
					.setVersion(VERSION)
					.setLeader(member.memberId())
					.setRaftTerm(EtcdMember.RAFT_TERM)
					.setRaftIndex(revision)
					.setRaftAppliedIndex(revision)
					.build();
		});
	}
}
