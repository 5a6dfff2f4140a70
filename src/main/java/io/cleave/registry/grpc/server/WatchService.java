package io.cleave.registry.grpc.server;

import io.cleave.registry.KeyValueStore;
import io.cleave.registry.Watches;
import cleave.etcd.api.WatchGrpc;
import cleave.etcd.api.WatchRequest;
import cleave.etcd.api.WatchResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/** etcd's Watch service: each bidirectional stream carries any number of watches, see {@link WatchStream}. */
final class WatchService extends WatchGrpc.WatchImplBase {

	private final Watches watches;

	private final KeyValueStore store;

	private final EtcdMember member;

	private final long responseLimit;

	/** @param responseLimit the size above which watch responses are split, see {@link WatchResponses} */
	WatchService(Watches watches, KeyValueStore store, EtcdMember member, long responseLimit) {
		this.watches = watches;
		this.store = store;
		this.member = member;
		this.responseLimit = responseLimit;
	}

	@Override
	public StreamObserver<WatchRequest> watch(StreamObserver<WatchResponse> responses) {
		WatchStream stream = new WatchStream(watches, store, member, responses, responseLimit);
		// The client may vanish without a word; its watches must not outlive it.
		var call = (ServerCallStreamObserver<WatchResponse>) responses;
		call.setOnCancelHandler(stream::close);
		call.setOnReadyHandler(stream::onReady);
		return stream;
	}
}
