package io.cleave.registry.grpc.server;

import static io.cleave.registry.grpc.server.GrpcErrors.respond;

import java.util.function.LongSupplier;

import io.cleave.registry.Lease;
import io.cleave.registry.Leases;
import cleave.etcd.api.LeaseGrantRequest;
import cleave.etcd.api.LeaseGrantResponse;
import cleave.etcd.api.LeaseGrpc;
import cleave.etcd.api.LeaseKeepAliveRequest;
import cleave.etcd.api.LeaseKeepAliveResponse;
import cleave.etcd.api.LeaseLeasesRequest;
import cleave.etcd.api.LeaseLeasesResponse;
import cleave.etcd.api.LeaseRevokeRequest;
import cleave.etcd.api.LeaseRevokeResponse;
import cleave.etcd.api.LeaseStatus;
import cleave.etcd.api.LeaseTimeToLiveRequest;
import cleave.etcd.api.LeaseTimeToLiveResponse;
import io.grpc.stub.StreamObserver;

/** etcd's Lease service on the registry's {@link Leases}, answering a missing lease the way etcd does. */
final class LeaseService extends LeaseGrpc.LeaseImplBase {

	private final Leases leases;

	private final LongSupplier revision;

	private final EtcdMember member;

	/**
	 * @param revision the revision response headers carry: etcd fills them from memory, and so must this, or every
	 * keep-alive would cost a query on top of its share of a renewal batch
	 */
	LeaseService(Leases leases, LongSupplier revision, EtcdMember member) {
		this.leases = leases;
		this.revision = revision;
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

	/**
	 * A lease that does not exist (any more) is answered with TTL 0, as etcd does, and the stream goes on. Each
	 * renewal runs on its own virtual thread, so one client's renewals are not done one by one: the store commits
	 * concurrent renewals together.
	 */
	@Override
	public StreamObserver<LeaseKeepAliveRequest> leaseKeepAlive(StreamObserver<LeaseKeepAliveResponse> observer) {
		return new KeepAliveStream(observer);
	}

	/** One keep-alive stream: renewals in parallel, answers one at a time, the end once every answer is out. */
	private final class KeepAliveStream implements StreamObserver<LeaseKeepAliveRequest> {

		private final StreamObserver<LeaseKeepAliveResponse> observer;

		/** Guarded by {@code this}. */
		private int inFlight;

		/** Guarded by {@code this}: the client completed; end once nothing is in flight. */
		private boolean completing;

		/** Guarded by {@code this}: the response stream was ended. */
		private boolean ended;

		KeepAliveStream(StreamObserver<LeaseKeepAliveResponse> observer) {
			this.observer = observer;
		}

		@Override
		public void onNext(LeaseKeepAliveRequest request) {
			synchronized (this) {
				if (ended) {
					return;
				}
				inFlight++;
			}
			Thread.ofVirtual().name("etcd-api-keep-alive").start(() -> renew(request.getID()));
		}

		private void renew(long id) {
			LeaseKeepAliveResponse response = null;
			RuntimeException failure = null;
			try {
				long ttl = leases.keepAlive(id).map(Lease::ttl).orElse(0L);
				response = LeaseKeepAliveResponse.newBuilder().setHeader(header()).setID(id).setTTL(ttl).build();
			}
			catch (RuntimeException ex) {
				failure = ex;
			}
			synchronized (this) {
				inFlight--;
				if (ended) {
					return;
				}
				if (failure != null) {
					ended = true;
					observer.onError(GrpcErrors.toStatus(failure));
					return;
				}
				observer.onNext(response);
				endIfDone();
			}
		}

		@Override
		public void onError(Throwable failure) {
			synchronized (this) {
				ended = true; // the client went away; nothing is held for it
			}
		}

		@Override
		public synchronized void onCompleted() {
			completing = true;
			endIfDone();
		}

		private void endIfDone() {
			if (completing && inFlight == 0 && !ended) {
				ended = true;
				observer.onCompleted();
			}
		}
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

	private cleave.etcd.api.ResponseHeader header() {
		return member.header(revision.getAsLong());
	}
}
