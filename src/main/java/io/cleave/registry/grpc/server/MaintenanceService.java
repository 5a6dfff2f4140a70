package io.cleave.registry.grpc.server;

import static io.cleave.registry.grpc.server.GrpcErrors.respond;
import static io.cleave.registry.grpc.server.GrpcErrors.unsupported;

import io.cleave.registry.KeyValueStore;
import io.cleave.registry.RegistryException;
import cleave.etcd.api.AlarmRequest;
import cleave.etcd.api.AlarmResponse;
import cleave.etcd.api.DefragmentRequest;
import cleave.etcd.api.DefragmentResponse;
import cleave.etcd.api.HashKVRequest;
import cleave.etcd.api.HashKVResponse;
import cleave.etcd.api.HashRequest;
import cleave.etcd.api.HashResponse;
import cleave.etcd.api.MaintenanceGrpc;
import cleave.etcd.api.MoveLeaderRequest;
import cleave.etcd.api.MoveLeaderResponse;
import cleave.etcd.api.SnapshotRequest;
import cleave.etcd.api.SnapshotResponse;
import cleave.etcd.api.StatusRequest;
import cleave.etcd.api.StatusResponse;
import io.cleave.registry.internal.StoreMaintenance;
import io.grpc.stub.StreamObserver;

/**
 * etcd's Maintenance service: {@code Status} with the database's real size, {@code Hash} and {@code HashKV} for
 * consistency checkers, and {@code Alarm} listing none (the store raises no alarms). Defragment, snapshot and
 * leader moves are the database's business or meaningless with one member: they answer {@code UNIMPLEMENTED} saying
 * what to do instead.
 */
final class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {

	/** The etcd API version this server speaks, that of Debian's etcd 3.4. */
	static final String VERSION = "3.4.0";

	private final KeyValueStore store;

	private final StoreMaintenance maintenance;

	private final EtcdMember member;

	MaintenanceService(KeyValueStore store, StoreMaintenance maintenance, EtcdMember member) {
		this.store = store;
		this.maintenance = maintenance;
		this.member = member;
	}

	/** The only member is always the leader; with no Raft log, the store's revision stands in for its index. */
	@Override
	public void status(StatusRequest request, StreamObserver<StatusResponse> observer) {
		respond(observer, () -> {
			long revision = store.revision();
			StoreMaintenance.Size size = maintenance.size();
			return StatusResponse.newBuilder()
					.setHeader(member.header(revision))
					.setVersion(VERSION)
					.setDbSize(size.bytes())
					.setDbSizeInUse(size.bytesInUse())
					.setLeader(member.memberId())
					.setRaftTerm(EtcdMember.RAFT_TERM)
					.setRaftIndex(revision)
					.setRaftAppliedIndex(revision)
					.build();
		});
	}

	@Override
	public void hashKV(HashKVRequest request, StreamObserver<HashKVResponse> observer) {
		respond(observer, () -> {
			if (request.getRevision() < 0) {
				throw RegistryException.invalidArgument("revision must not be negative, was " + request.getRevision());
			}
			StoreMaintenance.Hash hash = maintenance.hashKv(request.getRevision());
			return HashKVResponse.newBuilder()
					.setHeader(member.header(hash.currentRevision()))
					.setHash(hash.value())
					.setCompactRevision(hash.compactRevision())
					.build();
		});
	}

	@Override
	public void hash(HashRequest request, StreamObserver<HashResponse> observer) {
		respond(observer, () -> {
			StoreMaintenance.Hash hash = maintenance.hash();
			return HashResponse.newBuilder().setHeader(member.header(hash.revision())).setHash(hash.value()).build();
		});
	}

	/** No alarm is ever raised: the store's space is the database's, which reports its own trouble. */
	@Override
	public void alarm(AlarmRequest request, StreamObserver<AlarmResponse> observer) {
		if (request.getAction() != AlarmRequest.AlarmAction.GET) {
			unsupported(observer, "Alarm " + request.getAction(), "Cleave raises no alarms and takes none: "
					+ "Alarm GET lists none, and the database reports its own trouble");
			return;
		}
		respond(observer, () -> AlarmResponse.newBuilder().setHeader(member.header(store.revision())).build());
	}

	@Override
	public void defragment(DefragmentRequest request, StreamObserver<DefragmentResponse> observer) {
		unsupported(observer, "Defragment", "Cleave compacts history by itself "
				+ "(cleave.registry.store.history-retention) and the database reclaims space on its own");
	}

	@Override
	public void snapshot(SnapshotRequest request, StreamObserver<SnapshotResponse> observer) {
		unsupported(observer, "Snapshot", "back up the database instead: H2's BACKUP TO or pg_dump");
	}

	@Override
	public void moveLeader(MoveLeaderRequest request, StreamObserver<MoveLeaderResponse> observer) {
		unsupported(observer, "MoveLeader", "a Cleave node is the one member of its etcd API and always its leader");
	}
}
