package io.cleave.registry.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.cleave.registry.Bytes;
import io.cleave.registry.KeyRange;

import org.junit.jupiter.api.Test;

/** The hub's index from key ranges to watchers: a key finds exactly the watchers whose range holds it. */
class WatchIndexTests {

	private final WatchIndex<String> index = new WatchIndex<>();

	@Test
	void aKeyFindsTheWatchersOfItselfAndOfEveryRangeHoldingItOnly() {
		index.add(KeyRange.key("/a/b"), "key");
		index.add(KeyRange.key("/a/c"), "other key");
		index.add(KeyRange.prefix("/a/"), "prefix");
		index.add(KeyRange.prefix("/a/"), "same prefix");
		index.add(KeyRange.prefix("/b/"), "other prefix");
		index.add(KeyRange.fromKey(Bytes.utf8("/a/bz")), "from key");
		index.add(KeyRange.all(), "all");

		assertThat(watching("/a/b")).containsExactlyInAnyOrder("key", "prefix", "same prefix", "all");
		assertThat(watching("/a/c")).containsExactlyInAnyOrder("other key", "prefix", "same prefix", "from key", "all");
		assertThat(watching("/b/x")).containsExactlyInAnyOrder("other prefix", "from key", "all");
		assertThat(watching("/")).containsExactlyInAnyOrder("all");
	}

	@Test
	void aRemovedWatcherIsFoundNoMoreAndItsNeighboursStill() {
		index.add(KeyRange.prefix("/a/"), "prefix");
		index.add(KeyRange.prefix("/a/"), "same prefix");
		index.add(KeyRange.prefix("/a/b"), "narrower");
		index.add(KeyRange.key("/a/b"), "key");

		index.remove(KeyRange.prefix("/a/"), "prefix");
		index.remove(KeyRange.key("/a/b"), "key");

		assertThat(watching("/a/b")).containsExactlyInAnyOrder("same prefix", "narrower");
		index.remove(KeyRange.prefix("/a/"), "same prefix");
		index.remove(KeyRange.prefix("/a/b"), "narrower");
		assertThat(watching("/a/b")).isEmpty();
		assertThat(index.size()).isZero();
	}

	@Test
	void agreesWithCheckingEveryRangeThroughRandomAddsAndRemoves() {
		Random random = new Random(7);
		Map<String, KeyRange> ranges = new HashMap<>();
		for (int step = 0; step < 800; step++) {
			if (ranges.isEmpty() || random.nextInt(3) > 0) {
				String watcher = "w" + step;
				KeyRange range = randomRange(random);
				ranges.put(watcher, range);
				index.add(range, watcher);
			}
			else {
				String watcher = new ArrayList<>(ranges.keySet()).get(random.nextInt(ranges.size()));
				index.remove(ranges.remove(watcher), watcher);
			}
			String key = randomKey(random);
			List<String> expected = ranges.entrySet().stream()
					.filter(e -> e.getValue().contains(Bytes.utf8(key)))
					.map(Map.Entry::getKey)
					.toList();
			assertThat(watching(key)).as("watchers of %s after step %d", key, step)
					.containsExactlyInAnyOrderElementsOf(expected);
		}
		assertThat(index.size()).isEqualTo(ranges.size());
	}

	private List<String> watching(String key) {
		List<String> found = new ArrayList<>();
		index.forEachWatching(Bytes.utf8(key), found::add);
		return found;
	}

	private static KeyRange randomRange(Random random) {
		String key = randomKey(random);
		return switch (random.nextInt(4)) {
			case 0 -> KeyRange.key(key);
			case 1 -> KeyRange.prefix(key.substring(0, 1 + random.nextInt(key.length())));
			case 2 -> KeyRange.fromKey(Bytes.utf8(key));
			default -> {
				String other = randomKey(random);
				yield key.equals(other) ? KeyRange.key(key)
						: key.compareTo(other) < 0 ? new KeyRange(Bytes.utf8(key), Bytes.utf8(other))
								: new KeyRange(Bytes.utf8(other), Bytes.utf8(key));
			}
		};
	}

	private static String randomKey(Random random) {
		StringBuilder key = new StringBuilder("/");
		for (int i = random.nextInt(4); i >= 0; i--) {
			key.append((char) ('a' + random.nextInt(3)));
		}
		return key.toString();
	}
}
