package io.cleave.registry;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;

/** A watch listener that keeps what it was told, for tests to await. */
public final class RecordingListener implements WatchListener {

	private final List<WatchEvent> events = new CopyOnWriteArrayList<>();

	private final List<Long> progress = new CopyOnWriteArrayList<>();

	private volatile @Nullable RegistryException canceled;

	private volatile long compactRevision;

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
		this.canceled = reason;
	}

	public List<WatchEvent> events() {
		return List.copyOf(events);
	}

	/** Each event as {@code TYPE key=value}, the form most assertions read best in. */
	public List<String> summary() {
		return events.stream()
				.map(e -> e.type() + " " + e.kv().key() + (e.type() == WatchEvent.Type.PUT ? "=" + e.kv().value() : ""))
				.toList();
	}

	public List<Long> progress() {
		return List.copyOf(progress);
	}

	public @Nullable RegistryException canceled() {
		return canceled;
	}

	public long compactRevision() {
		return compactRevision;
	}
}
