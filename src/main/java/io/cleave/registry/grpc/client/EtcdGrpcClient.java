package io.cleave.registry.grpc.client;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.cleave.registry.Bytes;
import io.cleave.registry.Delete;
import io.cleave.registry.DeleteResult;
import io.cleave.registry.KeyRange;
import io.cleave.registry.KeyValueStore;
import io.cleave.registry.Lease;
import io.cleave.registry.LeaseInfo;
import io.cleave.registry.Leases;
import io.cleave.registry.Put;
import io.cleave.registry.PutResult;
import io.cleave.registry.RangeQuery;
import io.cleave.registry.RangeResult;
import io.cleave.registry.Txn;
import io.cleave.registry.TxnResult;
import io.cleave.registry.Watch;
import io.cleave.registry.WatchListener;
import io.cleave.registry.WatchRequest;
import io.cleave.registry.Watches;
import cleave.etcd.api.CompactionRequest;
import cleave.etcd.api.KVGrpc;
import cleave.etcd.api.LeaseGrantRequest;
import cleave.etcd.api.LeaseGrantResponse;
import cleave.etcd.api.LeaseGrpc;
import cleave.etcd.api.LeaseLeasesRequest;
import cleave.etcd.api.LeaseRevokeRequest;
import cleave.etcd.api.LeaseStatus;
import cleave.etcd.api.LeaseTimeToLiveRequest;
import cleave.etcd.api.LeaseTimeToLiveResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;

/**
 * The registry's store, leases and watches served by an external etcd cluster (3.4 or later) over its v3 gRPC API.
 * Every request maps field for field to etcd's message (see {@link EtcdMessages}); unary calls carry a deadline, and
 * failures surface as {@link io.cleave.registry.RegistryException}s with etcd's own message. Keep-alives share one
 * stream ({@link EtcdLeaseKeepAlive}); each watch has a stream of its own that survives reconnects
 * ({@link EtcdWatch}).
 */
final class EtcdGrpcClient implements KeyValueStore, Leases, Watches, AutoCloseable {

	/** How long a unary call, a keep-alive or the creation of a watch may take. */
	static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

	/** A key no one writes: reading it is the cheapest way to learn the store's revision. */
	private static final RangeQuery REVISION_PROBE = RangeQuery.of(KeyRange.key(Bytes.wrap(new byte[] {0})))
			.withCountOnly();

	private final ManagedChannel channel;

	private final Duration timeout;

	private final KVGrpc.KVBlockingStub kv;

	private final LeaseGrpc.LeaseBlockingStub leases;

	private final EtcdLeaseKeepAlive keepAlives;

	private final ScheduledExecutorService scheduler;

	private final Set<EtcdWatch> openWatches = ConcurrentHashMap.newKeySet();

	EtcdGrpcClient(List<URI> endpoints, Duration timeout) {
		this.channel = EtcdChannel.open(endpoints);
		this.timeout = timeout;
		this.kv = KVGrpc.newBlockingStub(channel);
		this.leases = LeaseGrpc.newBlockingStub(channel);
		this.keepAlives = new EtcdLeaseKeepAlive(LeaseGrpc.newStub(channel), timeout);
		this.scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
				.name("etcd-watch-reconnect")
				.daemon()
				.factory());
	}

	// KeyValueStore

	@Override
	public RangeResult range(RangeQuery query) {
		return EtcdMessages.rangeResult(call(kv, stub -> stub.range(EtcdMessages.rangeRequest(query))));
	}

	@Override
	public PutResult put(Put put) {
		return EtcdMessages.putResult(call(kv, stub -> stub.put(EtcdMessages.putRequest(put))));
	}

	@Override
	public DeleteResult delete(Delete delete) {
		return EtcdMessages.deleteResult(call(kv, stub -> stub.deleteRange(EtcdMessages.deleteRequest(delete))));
	}

	@Override
	public TxnResult txn(Txn txn) {
		return EtcdMessages.txnResult(call(kv, stub -> stub.txn(EtcdMessages.txnRequest(txn))));
	}

	@Override
	public long compact(long revision) {
		CompactionRequest request = CompactionRequest.newBuilder().setRevision(revision).build();
		return call(kv, stub -> stub.compact(request)).getHeader().getRevision();
	}

	@Override
	public long revision() {
		return range(REVISION_PROBE).revision();
	}

	// Leases

	@Override
	public Lease grant(long id, long ttlSeconds) {
		Leases.requireValidTtl(ttlSeconds);
		LeaseGrantRequest request = LeaseGrantRequest.newBuilder().setID(id).setTTL(ttlSeconds).build();
		LeaseGrantResponse response = call(leases, stub -> stub.leaseGrant(request));
		return new Lease(response.getID(), response.getTTL());
	}

	@Override
	public Optional<Lease> keepAlive(long id) {
		return keepAlives.keepAlive(id);
	}

	@Override
	public void revoke(long id) {
		call(leases, stub -> stub.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(id).build()));
	}

	@Override
	public Optional<LeaseInfo> timeToLive(long id, boolean withKeys) {
		LeaseTimeToLiveRequest request = LeaseTimeToLiveRequest.newBuilder().setID(id).setKeys(withKeys).build();
		LeaseTimeToLiveResponse response = call(leases, stub -> stub.leaseTimeToLive(request));
		// etcd answers an unknown (or expired) lease with TTL -1 rather than an error.
		if (response.getTTL() < 0) {
			return Optional.empty();
		}
		List<Bytes> keys = response.getKeysList().stream().map(EtcdMessages::bytes).toList();
		return Optional.of(new LeaseInfo(response.getID(), response.getTTL(), response.getGrantedTTL(), keys));
	}

	@Override
	public List<Long> list() {
		return call(leases, stub -> stub.leaseLeases(LeaseLeasesRequest.getDefaultInstance()))
				.getLeasesList().stream()
				.map(LeaseStatus::getID)
				.toList();
	}

	// Watches

	@Override
	public Watch watch(WatchRequest request, WatchListener listener) {
		return new EtcdWatch(channel, request, listener, scheduler, openWatches).start(timeout);
	}

	/**
	 * Cancels the open watches (their listeners hear nothing more) and closes the channel: waiting keep-alives and
	 * later calls fail as {@code UNAVAILABLE}.
	 */
	@Override
	public void close() {
		List.copyOf(openWatches).forEach(EtcdWatch::cancel);
		keepAlives.close();
		scheduler.shutdownNow();
		channel.shutdownNow();
		try {
			channel.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** One unary call with its own deadline; a failure becomes a {@code RegistryException}. */
	private <S extends io.grpc.stub.AbstractStub<S>, R> R call(S stub, Function<S, R> call) {
		try {
			return call.apply(stub.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS));
		}
		catch (StatusRuntimeException ex) {
			throw EtcdErrors.toRegistryException(ex);
		}
	}
}
