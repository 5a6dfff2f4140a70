package io.cleave.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import io.cleave.messaging.Pattern;
import io.cleave.messaging.PatternRouter;

/**
 * {@link PatternRouter#find} over tables of 10, 1,000 and 100,000 go-nano style patterns ({@code role:…,cmd:…},
 * one in ten refined by {@code integer:true}), against the floor of any lookup: a {@code HashMap} get of the
 * expected pattern's precomputed key, which is what go-nano's cache did, with none of Seneca's rules.
 *
 * <p>Subjects are messages as the bus sees them: the pattern's properties plus payload properties no pattern mentions;
 * half carry {@code integer:true} (found by the refinement where there is one, by the wider pattern where there is
 * not), one in eight matches nothing. 1,024 different subjects are cycled through so that branch prediction cannot
 * learn one path.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PatternRouterBenchmark {

	private static final int SUBJECTS = 1024;

	@Param({ "10", "1000", "100000" })
	int patterns;

	private PatternRouter<String> router;

	private Map<String, String> anchor;

	private Map<String, String>[] subjects;

	private String[] anchorKeys;

	private Map<String, String> extra;

	private int next;

	@Setup(Level.Trial)
	@SuppressWarnings("unchecked")
	public void fill() {
		router = PatternRouter.create();
		anchor = new HashMap<>();
		for (int k = 0; k < patterns; k++) {
			Pattern pattern = pattern(k);
			router.add(pattern, "handler-" + k);
			anchor.put(pattern.toString(), "handler-" + k);
		}
		var random = new Random(42);
		subjects = new Map[SUBJECTS];
		anchorKeys = new String[SUBJECTS];
		for (int i = 0; i < SUBJECTS; i++) {
			int base = random.nextInt(patterns) / 10 * 10 + random.nextInt(Math.min(9, patterns));
			var subject = new HashMap<>(pattern(base).properties());
			subject.put("left", Integer.toString(random.nextInt(100)));
			subject.put("right", Integer.toString(random.nextInt(100)));
			if (random.nextBoolean()) {
				subject.put("integer", "true");
			}
			if (random.nextInt(8) == 0) {
				subject.put("cmd", "nope");
			}
			subjects[i] = subject;
			String found = router.find(subject);
			anchorKeys[i] = found == null ? "none" : pattern(Integer.parseInt(found.substring("handler-".length()))).toString();
			anchorKeys[i].hashCode(); // cached, as it would be for a key taken from a message's pattern string
		}
		extra = Map.of("role", "r0", "cmd", "c0", "extra", "yes");
	}

	/** {@code role:r<k/100>,cmd:c<k%100>}; every tenth one refines the one before it with {@code integer:true}. */
	private static Pattern pattern(int k) {
		if (k % 10 == 9) {
			int refined = k - 1;
			return Pattern.of(Map.of("role", "r" + refined / 100, "cmd", "c" + refined % 100, "integer", "true"));
		}
		return Pattern.of(Map.of("role", "r" + k / 100, "cmd", "c" + k % 100));
	}

	@Benchmark
	public String find() {
		return router.find(subjects[next++ & (SUBJECTS - 1)]);
	}

	@Benchmark
	public String anchorHashMapGet() {
		return anchor.get(anchorKeys[next++ & (SUBJECTS - 1)]);
	}

	/** The cost of a change: copy-on-write means copying the path, so changes are meant to be rare. */
	@Benchmark
	public String addThenRemove() {
		router.add(extra, "extra");
		return router.remove(extra);
	}
}
