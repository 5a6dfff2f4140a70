package io.cleave.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Table-driven: each row registers {@code pattern=DATA} pairs (separated by {@code ;}, an empty pattern is the
 * catch-all), then looks up a subject written like a pattern, expecting the data or {@code -} for nothing.
 */
class PatternRouterTests {

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', nullValues = "-", textBlock = """
			an exact single match                              | a:1=A1; a:2=A2                        | a:1                    | A1
			a value nobody registered matches nothing          | a:1=A1; a:2=A2                        | a:3                    | -
			an empty subject matches no specific pattern       | a:1=A1                                | ''                     | -
			subject properties nobody registered are ignored   | a:1=A                                 | a:1,b:1,c:3            | A
			values compare as strings                          | n:1=ONE                               | n:01                   | -
			rule 1: more matched values win                    | a:0=A; a:0,b:1=AB                     | a:0,b:1                | AB
			rule 1 falls back to the wider pattern             | a:0=A; a:0,b:1=AB                     | a:0,b:2                | A
			rule 1 over three levels                           | a:1,b:1,c:1=ABC; a:1,b:1=AB; a:1=A    | a:1,b:1,c:2            | AB
			rule 1 beats an alphabetically earlier name        | a:0=A; b:1,c:2=BC                     | a:0,b:1,c:2            | BC
			rule 1 backtracks out of a deeper dead end         | a:1=A; a:1,b:1=AB; a:1,b:1,c:1=ABC; b:1,c:1=BC | a:2,b:1,c:1 | BC
			rule 2: a is checked before c                      | a:0=A; c:2=C                          | a:0,c:2                | A
			rule 2 whatever the order patterns were added in   | c:2=C; a:0=A                          | a:0,c:2                | A
			rule 2, patrun's example b before c                | a:0=A; b:1=B; c:2=C; a:0,b:1=AB       | b:1,c:2                | B
			rule 2, patrun's example a before c                | a:0=A; b:1=B; c:2=C; a:0,b:1=AB       | a:0,c:2                | A
			rule 2 compares the first differing name           | b:1,c:1=BC; a:1,d:1=AD                | a:1,b:1,c:1,d:1        | AD
			rule 2 with a shared last name                     | b:1,c:1=BC; a:1,c:1=AC                | a:1,b:1,c:1            | AC
			the catch-all answers what nothing else matches    | =ROOT; a:1=A                          | b:1                    | ROOT
			the catch-all loses to any match                   | =ROOT; a:1=A                          | a:1                    | A
			the catch-all matches the empty subject            | =ROOT                                 | ''                     | ROOT
			go-nano's cmd:summary does not reach cmd:sum        | cmd:sum,role:math=SUM                 | role:math,cmd:summary  | -
			go-nano's pair order does not matter               | cmd:sum,role:math=SUM                 | role:math,cmd:sum      | SUM
			the integer sum is more specific                   | role:math,cmd:sum=SUM; role:math,cmd:sum,integer:true=INT | cmd:sum,integer:true,role:math | INT
			a non-integer sum falls back to the general one    | role:math,cmd:sum=SUM; role:math,cmd:sum,integer:true=INT | cmd:sum,integer:false,role:math | SUM
			without globs a star is a literal character        | a:1*=STAR                             | a:10                   | -
			without globs a star matches itself                | a:1*=STAR                             | a:1*                   | STAR
			""")
	void findsTheMostSpecificMatch(String rule, String registered, String subject, @Nullable String expected) {
		assertThat(router(PatternRouter.create(), registered).find(subject(subject))).isEqualTo(expected);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', nullValues = "-", textBlock = """
			a star matches any run                        | a:1*=G                         | a:10        | G
			a star matches the empty run                  | a:1*=G                         | a:1         | G
			a star does not match another prefix          | a:1*=G                         | a:2         | -
			a question mark matches one character         | a:1?=Q                         | a:1a        | Q
			a question mark does not match none           | a:1?=Q                         | a:1         | -
			a question mark does not match two            | a:1?=Q                         | a:1ab       | -
			a star in the middle                          | a:x*y=G                        | a:xzzy      | G
			a star in the middle needs the suffix         | a:x*y=G                        | a:xzz       | -
			stars backtrack                               | a:*ab*c=G                      | a:zabxabc   | G
			a lone star matches any value                 | a:*=ANY                        | a:whatever  | ANY
			a lone star needs the property                | a:*=ANY                        | b:1         | -
			an exact value beats a glob                   | a:1*=G; a:10=E                 | a:10        | E
			a glob is used when the exact value differs   | a:1*=G; a:10=E                 | a:11        | G
			more literal characters beat fewer            | a:*=ANY; a:ab*=AB              | a:abc       | AB
			a glob counts as a matched value (rule 1)     | a:*=A; a:*,b:1=AB              | a:x,b:1     | AB
			rule 1 holds over an exact value              | a:x=A; b:*,c:*=BC              | a:x,b:1,c:2 | BC
			rule 2 holds for globs                        | c:*=C; a:*=A                   | a:1,c:1     | A
			globs with another property                   | a:1*,b:2=G                     | a:10,b:2    | G
			globs with another property that differs      | a:1*,b:2=G                     | a:10,b:3    | -
			""")
	void findsWithGlobsWhenEnabled(String rule, String registered, String subject, @Nullable String expected) {
		assertThat(router(PatternRouter.createWithGlobs(), registered).find(subject(subject))).isEqualTo(expected);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', nullValues = "-", textBlock = """
			every subject property is matched             | a:1=A; a:1,b:1=AB               | a:1,b:1     | AB
			a property left unmatched fails               | a:1=A                           | a:1,b:1     | -
			a pattern wider than the subject fails        | a:1,b:1=AB                      | a:1         | -
			the same pairs in another order               | role:math,cmd:sum=SUM           | cmd:sum,role:math | SUM
			not a less specific pattern either            | a:1=A; b:1=B                    | a:1,b:1     | -
			the catch-all for the empty subject           | =ROOT; a:1=A                    | ''          | ROOT
			the catch-all for nothing else                | =ROOT                           | a:1         | -
			""")
	void findsExactlyWhenEveryPropertyMustMatch(String rule, String registered, String subject,
			@Nullable String expected) {
		assertThat(router(PatternRouter.create(), registered).findExact(subject(subject))).isEqualTo(expected);
	}

	@Test
	void findsExactlyThroughGlobs() {
		PatternRouter<String> router = router(PatternRouter.createWithGlobs(), "a:x*,b:1=G; a:xy,b:?=E; a:xy=A");
		assertThat(router.findExact(subject("a:xy,b:1"))).isEqualTo("E");
		assertThat(router.findExact(subject("a:xz,b:1"))).isEqualTo("G");
		assertThat(router.findExact(subject("a:xz,b:12"))).isNull();
		assertThat(router.findExact(subject("a:xy"))).isEqualTo("A");
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			the empty partial lists everything in order  | ''          | ROOT A1 B1 B2 C
			a partial lists the patterns containing it   | a:1         | A1 B1 B2
			a star stands for any value                  | a:1,b:*     | B1 B2
			a star still needs the property              | c:*         | C
			a property no pattern has lists nothing      | a:1,d:1     | ''
			a value no pattern has lists nothing         | a:2         | ''
			""")
	void listsThePatternsThatContainAPartialOne(String rule, String partial, String expected) {
		PatternRouter<String> router = router(PatternRouter.create(), "c:1=C; a:1,b:2=B2; a:1,b:1=B1; =ROOT; a:1=A1");
		List<String> listed = router.list(subject(partial)).stream().map(PatternRouter.Entry::data).toList();
		assertThat(listed).containsExactlyElementsOf(Arrays.stream(expected.split(" ")).filter(s -> !s.isEmpty()).toList());
	}

	@Test
	void listsEachPatternWithItsData() {
		PatternRouter<String> router = router(PatternRouter.create(), "role:math,cmd:sum=SUM");
		assertThat(router.list()).containsExactly(new PatternRouter.Entry<>(Pattern.parse("cmd:sum,role:math"), "SUM"));
		assertThat(router.size()).isEqualTo(1);
	}

	@Test
	void addingTheSamePatternAgainReplacesItsData() {
		PatternRouter<String> router = PatternRouter.create();
		assertThat(router.add(Pattern.parse("role:math,cmd:sum"), "first")).isNull();
		assertThat(router.add(Pattern.parse("cmd:sum,role:math"), "second")).isEqualTo("first");
		assertThat(router.find(subject("cmd:sum,role:math"))).isEqualTo("second");
		assertThat(router.size()).isEqualTo(1);
	}

	@Test
	void removingAPatternFallsBackToTheNextMostSpecific() {
		PatternRouter<String> router = router(PatternRouter.create(), "=ROOT; a:1=A; a:1,b:1=AB; a:1,b:1,c:1=ABC");
		assertThat(router.remove(Pattern.parse("a:1,b:1,c:1"))).isEqualTo("ABC");
		assertThat(router.find(subject("a:1,b:1,c:1"))).isEqualTo("AB");
		assertThat(router.remove(Pattern.parse("b:1,a:1"))).isEqualTo("AB");
		assertThat(router.find(subject("a:1,b:1,c:1"))).isEqualTo("A");
		assertThat(router.remove(Pattern.EMPTY)).isEqualTo("ROOT");
		assertThat(router.find(subject("b:1"))).isNull();
		assertThat(router.list()).extracting(PatternRouter.Entry::data).containsExactly("A");
		assertThat(router.size()).isEqualTo(1);
	}

	@Test
	void removingAShorterPatternKeepsTheLongerOnesBelowIt() {
		PatternRouter<String> router = router(PatternRouter.create(), "a:1=A; a:1,b:1=AB");
		assertThat(router.remove(Pattern.parse("a:1"))).isEqualTo("A");
		assertThat(router.find(subject("a:1,b:1"))).isEqualTo("AB");
		assertThat(router.find(subject("a:1"))).isNull();
	}

	@Test
	void removingWhatIsNotRegisteredChangesNothing() {
		PatternRouter<String> router = router(PatternRouter.createWithGlobs(), "a:1=A; a:1*=G");
		assertThat(router.remove(Pattern.parse("a:2"))).isNull();
		assertThat(router.remove(Pattern.parse("a:1,b:1"))).isNull();
		assertThat(router.remove(Pattern.parse("a:1?"))).isNull();
		assertThat(router.size()).isEqualTo(2);
		assertThat(router.remove(Pattern.parse("a:1*"))).isEqualTo("G");
		assertThat(router.find(subject("a:12"))).isNull();
		assertThat(router.find(subject("a:1"))).isEqualTo("A");
	}

	@Test
	void rejectsInvalidPatternsAndNullData() {
		PatternRouter<String> router = PatternRouter.create();
		assertThatIllegalArgumentException().isThrownBy(() -> router.add(Map.of("a", ""), "A"))
			.withMessageContaining("'a' has no value");
		assertThatIllegalArgumentException().isThrownBy(() -> router.add(Map.of("a", "1"), nullData()))
			.withMessageContaining("must not be null");
		assertThat(router.size()).isZero();
	}

	/**
	 * The tree against a brute-force reading of the two rules, over random tables built in random order with
	 * removals, so that no insertion order or tree shape decides a result.
	 */
	@ParameterizedTest
	@ValueSource(longs = { 1, 2, 3, 4, 5, 6, 7, 8 })
	void agreesWithABruteForceReadingOfTheRules(long seed) {
		var random = new Random(seed);
		boolean globs = seed % 2 == 0;
		PatternRouter<String> router = globs ? PatternRouter.createWithGlobs() : PatternRouter.create();
		var table = new LinkedHashMap<Pattern, String>();
		String[] values = globs ? new String[] { "0", "1", "2", "1*", "?", "*", "2?" } : new String[] { "0", "1", "2" };
		for (int step = 0; step < 400; step++) {
			Pattern pattern = randomPattern(random, values, 4);
			if (random.nextInt(4) == 0 && !table.isEmpty()) {
				Pattern gone = new ArrayList<>(table.keySet()).get(random.nextInt(table.size()));
				assertThat(router.remove(gone)).isEqualTo(table.remove(gone));
			}
			else {
				String data = "D" + step;
				assertThat(router.add(pattern, data)).isEqualTo(table.put(pattern, data));
			}
			for (int probe = 0; probe < 20; probe++) {
				Map<String, String> subject = randomPattern(random, new String[] { "0", "1", "2", "10", "21" }, 5)
					.properties();
				assertThat(router.find(subject)).as("find %s in %s", subject, table)
					.isEqualTo(bruteForce(table, subject, globs, false));
				assertThat(router.findExact(subject)).as("findExact %s in %s", subject, table)
					.isEqualTo(bruteForce(table, subject, globs, true));
			}
			assertThat(router.size()).isEqualTo(table.size());
		}
	}

	/**
	 * Readers look up all the time while a writer adds and removes patterns around a stable one: every read sees the
	 * table before or after a change (the stable pattern or the added one, never nothing, never an exception).
	 */
	@Test
	void readsDuringWritesSeeEitherTheOldOrTheNewTable() throws InterruptedException {
		PatternRouter<String> router = router(PatternRouter.createWithGlobs(), "role:math=BASE");
		Map<String, String> subject = subject("role:math,cmd:sum,integer:true");
		var stop = new AtomicBoolean();
		var failures = new ConcurrentLinkedQueue<String>();
		var reads = new AtomicLong();
		var started = new CountDownLatch(2);
		List<Thread> readers = new ArrayList<>();
		for (int r = 0; r < 2; r++) {
			readers.add(Thread.ofPlatform().start(() -> {
				boolean first = true;
				while (first || !stop.get()) {
					String found = router.find(subject);
					if (!"BASE".equals(found) && !"SUM".equals(found) && !"INT".equals(found)) {
						failures.add(String.valueOf(found));
					}
					reads.incrementAndGet();
					if (first) { // counted only once it has read: a starved reader still reads during the writes
						started.countDown();
						first = false;
					}
				}
			}));
		}
		started.await();
		for (int i = 0; i < 2_000; i++) {
			router.add(Pattern.parse("role:math,cmd:sum"), "SUM");
			router.add(Pattern.parse("role:math,cmd:sum,integer:t*"), "INT");
			router.add(Pattern.parse("role:other,n:" + i), "NOISE");
			assertThat(router.find(subject)).isEqualTo("INT");
			router.remove(Pattern.parse("role:math,cmd:sum,integer:t*"));
			assertThat(router.find(subject)).isEqualTo("SUM");
			router.remove(Pattern.parse("role:math,cmd:sum"));
			assertThat(router.find(subject)).isEqualTo("BASE");
		}
		stop.set(true);
		for (Thread reader : readers) {
			reader.join();
		}
		assertThat(failures).isEmpty();
		assertThat(reads.get()).isPositive();
		assertThat(router.size()).isEqualTo(2_001);
	}

	// The two rules, read literally: the matching patterns with the most properties; among those, the first by
	// names in alphabetical order, an exact value before a glob, a glob with more literal characters first.

	private static @Nullable String bruteForce(Map<Pattern, String> table, Map<String, String> subject, boolean globs,
			boolean exact) {
		return table.entrySet()
			.stream()
			.filter(entry -> matches(entry.getKey(), subject, globs))
			.filter(entry -> !exact || entry.getKey().size() == subject.size())
			.min(Comparator.<Map.Entry<Pattern, String>>comparingInt(entry -> -entry.getKey().size())
				.thenComparing((left, right) -> precedence(left.getKey(), right.getKey(), globs)))
			.map(Map.Entry::getValue)
			.orElse(null);
	}

	private static boolean matches(Pattern pattern, Map<String, String> subject, boolean globs) {
		return pattern.properties().entrySet().stream().allMatch(pair -> {
			String value = subject.get(pair.getKey());
			return value != null && (globs && isGlob(pair.getValue()) ? regex(pair.getValue()).matcher(value).matches()
					: value.equals(pair.getValue()));
		});
	}

	private static int precedence(Pattern left, Pattern right, boolean globs) {
		Iterator<Map.Entry<String, String>> l = left.properties().entrySet().iterator();
		Iterator<Map.Entry<String, String>> r = right.properties().entrySet().iterator();
		while (l.hasNext()) {
			Map.Entry<String, String> a = l.next();
			Map.Entry<String, String> b = r.next();
			if (!a.getKey().equals(b.getKey())) {
				return a.getKey().compareTo(b.getKey());
			}
			boolean aGlob = globs && isGlob(a.getValue());
			boolean bGlob = globs && isGlob(b.getValue());
			if (aGlob != bGlob) {
				return aGlob ? 1 : -1;
			}
			if (aGlob && !a.getValue().equals(b.getValue())) {
				int literals = Integer.compare(literals(b.getValue()), literals(a.getValue()));
				return literals != 0 ? literals : a.getValue().compareTo(b.getValue());
			}
		}
		return 0;
	}

	private static boolean isGlob(String value) {
		return value.contains("*") || value.contains("?");
	}

	private static int literals(String glob) {
		return glob.replace("*", "").replace("?", "").length();
	}

	private static java.util.regex.Pattern regex(String glob) {
		var regex = new StringBuilder();
		for (char c : glob.toCharArray()) {
			regex.append(c == '*' ? ".*" : c == '?' ? "." : java.util.regex.Pattern.quote(String.valueOf(c)));
		}
		return java.util.regex.Pattern.compile(regex.toString(), java.util.regex.Pattern.DOTALL);
	}

	private static Pattern randomPattern(Random random, String[] values, int maxSize) {
		var pairs = new HashMap<String, String>();
		int size = random.nextInt(maxSize + 1);
		for (int i = 0; i < size; i++) {
			pairs.put(String.valueOf((char) ('a' + random.nextInt(5))), values[random.nextInt(values.length)]);
		}
		return Pattern.of(pairs);
	}

	private static PatternRouter<String> router(PatternRouter<String> router, String registered) {
		for (String registration : registered.split(";")) {
			int equals = registration.lastIndexOf('=');
			router.add(Pattern.parse(registration.substring(0, equals)), registration.substring(equals + 1).strip());
		}
		return router;
	}

	private static Map<String, String> subject(String text) {
		return Pattern.parse(text).properties();
	}

	@SuppressWarnings("NullAway")
	private static String nullData() {
		return null;
	}
}
