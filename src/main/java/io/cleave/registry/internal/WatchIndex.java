package io.cleave.registry.internal;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import com.google.common.collect.Range;
import com.google.common.collect.RangeMap;
import com.google.common.collect.TreeRangeMap;

import io.cleave.registry.Bytes;
import io.cleave.registry.KeyRange;

/**
 * Which watchers a key's change concerns, found without looking at the others — etcd's {@code watcherGroup}: single
 * keys in a hash map, intervals in a map from disjoint key segments to the distinct ranges covering them (Guava's
 * {@link TreeRangeMap}), so a lookup costs a hash probe and a tree descent, not a pass over every watcher. Watchers
 * of the same range share one entry, so a thousand watches of one prefix cost the range map one range.
 * Not thread-safe: the hub guards it with its lock.
 *
 * @param <W> the watcher type
 */
final class WatchIndex<W> {

	private final Map<Bytes, Set<W>> byKey = new HashMap<>();

	private final Map<KeyRange, Set<W>> byRange = new HashMap<>();

	/** Disjoint segments of the key space, each mapped to the ranges that cover it; unmapped means no range. */
	private final RangeMap<Bytes, Set<KeyRange>> segments = TreeRangeMap.create();

	private int size;

	void add(KeyRange range, W watcher) {
		if (range.isSingleKey()) {
			byKey.computeIfAbsent(range.key(), k -> new LinkedHashSet<>()).add(watcher);
		}
		else {
			Set<W> sharing = byRange.get(range);
			if (sharing == null) {
				sharing = new LinkedHashSet<>();
				byRange.put(range, sharing);
				cover(range);
			}
			sharing.add(watcher);
		}
		size++;
	}

	void remove(KeyRange range, W watcher) {
		if (range.isSingleKey()) {
			Set<W> watching = byKey.get(range.key());
			if (watching != null && watching.remove(watcher)) {
				size--;
				if (watching.isEmpty()) {
					byKey.remove(range.key());
				}
			}
			return;
		}
		Set<W> sharing = byRange.get(range);
		if (sharing != null && sharing.remove(watcher)) {
			size--;
			if (sharing.isEmpty()) {
				byRange.remove(range);
				uncover(range);
			}
		}
	}

	/** Hands each watcher whose range contains {@code key} to {@code action}, once. */
	void forEachWatching(Bytes key, Consumer<W> action) {
		Set<W> watching = byKey.get(key);
		if (watching != null) {
			watching.forEach(action);
		}
		Set<KeyRange> covering = segments.get(key);
		if (covering != null) {
			covering.forEach(range -> byRange.get(range).forEach(action));
		}
	}

	int size() {
		return size;
	}

	private static Range<Bytes> interval(KeyRange range) {
		return range.hasUpperBound() ? Range.closedOpen(range.key(), range.end()) : Range.atLeast(range.key());
	}

	/** The segments overlapping {@code interval}, cut to it, copied: the map changes under what comes next. */
	private List<Map.Entry<Range<Bytes>, Set<KeyRange>>> snapshot(Range<Bytes> interval) {
		return segments.subRangeMap(interval).asMapOfRanges().entrySet().stream()
				.map(segment -> Map.entry(segment.getKey(), segment.getValue()))
				.toList();
	}

	/** Adds {@code range} to every segment it overlaps, splitting segments at its bounds, and fills its gaps. */
	private void cover(KeyRange range) {
		Range<Bytes> interval = interval(range);
		List<Map.Entry<Range<Bytes>, Set<KeyRange>>> overlapped = snapshot(interval);
		segments.put(interval, Set.of(range));
		for (Map.Entry<Range<Bytes>, Set<KeyRange>> segment : overlapped) {
			Set<KeyRange> covering = new HashSet<>(segment.getValue());
			covering.add(range);
			segments.put(segment.getKey(), Set.copyOf(covering));
		}
	}

	/** Takes {@code range} out of the segments it covers; a segment nothing covers any more is dropped. */
	private void uncover(KeyRange range) {
		Range<Bytes> interval = interval(range);
		List<Map.Entry<Range<Bytes>, Set<KeyRange>>> covered = snapshot(interval);
		segments.remove(interval);
		for (Map.Entry<Range<Bytes>, Set<KeyRange>> segment : covered) {
			Set<KeyRange> left = new HashSet<>(segment.getValue());
			left.remove(range);
			if (!left.isEmpty()) {
				segments.put(segment.getKey(), Set.copyOf(left));
			}
		}
	}
}
