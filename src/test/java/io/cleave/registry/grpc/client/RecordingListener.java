package io.cleave.registry.grpc.client;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.cleave.registry.RegistryException;
import io.cleave.registry.WatchEvent;
import io.cleave.registry.WatchListener;
import org.jspecify.annotations.Nullable;

/** A {@link WatchListener} that records what it hears, for tests to await. */
final class RecordingListener implements WatchListener {

	final List<WatchEvent> events = new CopyOnWriteArrayList<>();

	final List<Long> progress = new CopyOnWriteArrayList<>();

	volatile @Nullable RegistryException canceledWith;

	volatile long compactRevision = -1;

	@Override
	public void onEvents(long revision, List<WatchEvent> batch) {
		events.addAll(batch);
	}

	@Override
	public void onProgress(long revision) {
		progress.add(revision);
	}

	@Override
	public void onCanceled(RegistryException reason, long compactRevision) {
		this.compactRevision = compactRevision;
		this.canceledWith = reason;
	}

	/** The events as {@code PUT key=value} / {@code DELETE key}, for readable assertions. */
	List<String> described() {
		return events.stream()
				.map(event -> event.type() == WatchEvent.Type.PUT
						? "PUT " + event.kv().key() + "=" + event.kv().value()
						: "DELETE " + event.kv().key())
				.toList();
	}
}
