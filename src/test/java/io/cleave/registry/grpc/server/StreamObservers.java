package io.cleave.registry.grpc.server;

import java.util.Collection;

import io.grpc.stub.StreamObserver;

/** Stream observers for tests that await what a stream delivers. */
final class StreamObservers {

	private StreamObservers() {
	}

	/** Adds every message to {@code received}; how the stream ends is left to the test to notice. */
	static <T> StreamObserver<T> addingTo(Collection<T> received) {
		return new StreamObserver<>() {

			@Override
			public void onNext(T message) {
				received.add(message);
			}

			@Override
			public void onError(Throwable failure) {
			}

			@Override
			public void onCompleted() {
			}
		};
	}
}
