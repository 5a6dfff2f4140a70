package io.cleave.registry.grpc.server;

import static io.cleave.registry.grpc.server.GrpcErrors.respond;

import io.cleave.registry.KeyValueStore;
import io.cleave.registry.Lease;
import io.cleave.registry.Leases;
import io.cleave.registry.grpc.etcd.LeaseGrantRequest;
import io.cleave.registry.grpc.etcd.LeaseGrantResponse;
import io.cleave.registry.grpc.etcd.LeaseGrpc;
import io.cleave.registry.grpc.etcd.LeaseKeepAliveRequest;
import io.cleave.registry.grpc.etcd.LeaseKeepAliveResponse;
import io.cleave.registry.grpc.etcd.LeaseLeasesRequest;
import io.cleave.registry.grpc.etcd.LeaseLeasesResponse;
import io.cleave.registry.grpc.etcd.LeaseRevokeRequest;
import io.cleave.registry.grpc.etcd.LeaseRevokeResponse;
import io.cleave.registry.grpc.etcd.LeaseStatus;
import io.cleave.registry.grpc.etcd.LeaseTimeToLiveRequest;
import io.cleave.registry.grpc.etcd.LeaseTimeToLiveResponse;
import io.grpc.stub.StreamObserver;

/** etcd's Lease service on the registry's {@link Leases}, answering a missing lease the way etcd does. */
final class LeaseService extends LeaseGrpc.LeaseImplBase {

	private final Leases leases;

	private final KeyValueStore store;

	private final EtcdMember member;

	LeaseService(Leases leases, KeyValueStore store, EtcdMember member) {
		this.leases = leases;
		this.store = store;
		this.member = member;
	}

	@Override
	public void leaseGrant(LeaseGrantRequest request, StreamObserver<LeaseGrantResponse> observer) {
		respond(observer, () -> {
			Lease lease = leases.grant(request.getID(), request.getTTL());
			return LeaseGrantResponse.newBuilder()
					.setHeader(header())
					.setID(lease.id())
					.setTTL(lease.ttl())
					.build();
		});
	}

	@Override
	public void leaseRevoke(LeaseRevokeRequest request, StreamObserver<LeaseRevokeResponse> observer) {
		respond(observer, () -> {
			leases.revoke(request.getID());
			return LeaseRevokeResponse.newBuilder().setHeader(header()).build();
		});
	}

	/** A lease that does not exist (any more) is answered with TTL 0, as etcd does, and the stream goes on. */
	@Override
	public StreamObserver<LeaseKeepAliveRequest> leaseKeepAlive(StreamObserver<LeaseKeepAliveResponse> observer) {
		return new StreamObserver<>() {

			@Override
			public void onNext(LeaseKeepAliveRequest request) {
				LeaseKeepAliveResponse response;
				try {
					long ttl = leases.keepAlive(request.getID()).map(Lease::ttl).orElse(0L);
					response = LeaseKeepAliveResponse.newBuilder()
							.setHeader(header())
							.setID(request.getID())
							.setTTL(ttl)
							.build();
				}
				catch (RuntimeException failure) {
					observer.onError(GrpcErrors.toStatus(failure));
					return;
				}
				observer.onNext(response);
			}

			@Override
			public void onError(Throwable failure) {
				// The client went away; nothing is held for it.
			}

			@Override
			public void onCompleted() {
				observer.onCompleted();
			}
		};
	}

	/** A lease that does not exist is answered with TTL -1, as etcd does, not with an error. */
	@Override
	public void leaseTimeToLive(LeaseTimeToLiveRequest request, StreamObserver<LeaseTimeToLiveResponse> observer) {
		respond(observer, () -> {
			LeaseTimeToLiveResponse.Builder response = LeaseTimeToLiveResponse.newBuilder()
					.setHeader(header())
					.setID(request.getID())
					.setTTL(-1);
			leases.timeToLive(request.getID(), request.getKeys()).ifPresent(info -> {
				response.setTTL(info.ttl()).setGrantedTTL(info.grantedTtl());
				info.keys().forEach(key -> response.addKeys(EtcdResponses.byteString(key)));
			});
			return response.build();
		});
	}

	@Override
	public void leaseLeases(LeaseLeasesRequest request, StreamObserver<LeaseLeasesResponse> observer) {
		respond(observer, () -> {
			LeaseLeasesResponse.Builder response = LeaseLeasesResponse.newBuilder().setHeader(header());
			leases.list().forEach(id -> response.addLeases(LeaseStatus.newBuilder().setID(id)));
			return response.build();
		});
	}

	private io.cleave.registry.grpc.etcd.ResponseHeader header() {
		return member.header(store.revision());
	}
}
