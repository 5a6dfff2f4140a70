package io.cleave.messaging;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A {@link PatternRouter} over an immutable trie whose levels are property names in alphabetical order, replaced
 * as a whole (path copying) on every change and read through one volatile reference.
 *
 * <p>A lookup walks, depth first and in name order, every registered pattern the subject satisfies; it keeps the
 * deepest one (rule 1) and, among equally deep ones, the first met (rule 2, since names are visited in alphabetical
 * order and exact values before globs). Each branch knows how deep its patterns go, so branches that cannot beat the
 * best pattern found so far are skipped. A lookup allocates nothing.
 *
 * <p>It sits beside its interface, package-private, because the interface's static factories name it: in an internal
 * package the two packages would depend on each other.
 */
final class TreePatternRouter<T> implements PatternRouter<T> {

	private final boolean globs;

	private final Object writeLock = new Object();

	private volatile Table<T> table = new Table<>(Node.empty(0), 0);

	TreePatternRouter(boolean globs) {
		this.globs = globs;
	}

	@Override
	public @Nullable T add(Map<String, String> pattern, T data) {
		if (data == null) {
			throw new IllegalArgumentException("The data registered under pattern %s must not be null".formatted(pattern));
		}
		Pattern checked = Pattern.of(pattern);
		String[] pairs = pairs(checked);
		synchronized (this.writeLock) {
			Table<T> current = this.table;
			var previous = new ArrayList<T>(1);
			Node<T> root = with(current.root(), pairs, 0, checked, data, previous);
			this.table = new Table<>(root, previous.isEmpty() ? current.size() + 1 : current.size());
			return previous.isEmpty() ? null : previous.getFirst();
		}
	}

	@Override
	public @Nullable T remove(Map<String, String> pattern) {
		String[] pairs = pairs(Pattern.of(pattern));
		synchronized (this.writeLock) {
			Table<T> current = this.table;
			var removed = new ArrayList<T>(1);
			Node<T> root = without(current.root(), pairs, 0, removed);
			if (removed.isEmpty()) {
				return null;
			}
			this.table = new Table<>(root == null ? Node.empty(0) : root, current.size() - 1);
			return removed.getFirst();
		}
	}

	@Override
	public @Nullable T find(Map<String, String> subject) {
		Node<T> best = best(this.table.root(), subject, null, subject.size());
		return best == null ? null : best.data;
	}

	@Override
	public @Nullable T findExact(Map<String, String> subject) {
		Node<T> found = exact(this.table.root(), subject, subject.size());
		return found == null ? null : found.data;
	}

	@Override
	public List<Entry<T>> list(Map<String, String> partial) {
		var entries = new ArrayList<Entry<T>>();
		collect(this.table.root(), partial, entries);
		return List.copyOf(entries);
	}

	@Override
	public int size() {
		return this.table.size();
	}

	@Override
	public String toString() {
		return "PatternRouter" + list();
	}

	// Lookups: recursive, allocation-free; the depth of a node is the number of properties its pattern has.

	private static <T> @Nullable Node<T> best(Node<T> node, Map<String, String> subject, @Nullable Node<T> best,
			int limit) {
		if (node.data != null && (best == null || node.depth > best.depth)) {
			best = node;
		}
		for (int i = 0; i < node.names.length; i++) {
			int bestDepth = best == null ? -1 : best.depth;
			if (bestDepth == limit) {
				return best; // nothing can match more properties than the subject has
			}
			Branch<T> branch = node.branches[i];
			if (node.depth + branch.height <= bestDepth) {
				continue;
			}
			String value = subject.get(node.names[i]);
			if (value == null) {
				continue;
			}
			Node<T> child = branch.exact.get(value);
			if (child != null) {
				best = best(child, subject, best, limit);
			}
			for (Glob<T> glob : branch.globs) {
				if (glob.node.reach() > (best == null ? -1 : best.depth) && glob.matches(value)) {
					best = best(glob.node, subject, best, limit);
				}
			}
		}
		return best;
	}

	private static <T> @Nullable Node<T> exact(Node<T> node, Map<String, String> subject, int required) {
		if (node.depth == required) {
			return node.data == null ? null : node;
		}
		for (int i = 0; i < node.names.length; i++) {
			Branch<T> branch = node.branches[i];
			if (node.depth + branch.height < required) {
				continue;
			}
			String value = subject.get(node.names[i]);
			if (value == null) {
				// A name the pattern skips is a subject property left unmatched: only later names can still fit.
				continue;
			}
			Node<T> child = branch.exact.get(value);
			Node<T> found = child == null ? null : exact(child, subject, required);
			if (found != null) {
				return found;
			}
			for (Glob<T> glob : branch.globs) {
				if (glob.node.reach() >= required && glob.matches(value)) {
					found = exact(glob.node, subject, required);
					if (found != null) {
						return found;
					}
				}
			}
		}
		return null;
	}

	private static <T> void collect(Node<T> node, Map<String, String> partial, List<Entry<T>> entries) {
		if (node.data != null && contains(node.pattern, partial)) {
			entries.add(new Entry<>(node.pattern, node.data));
		}
		for (Branch<T> branch : node.branches) {
			branch.exact.keySet().stream().sorted().forEach(value -> collect(branch.exact.get(value), partial, entries));
			for (Glob<T> glob : branch.globs) {
				collect(glob.node, partial, entries);
			}
		}
	}

	private static boolean contains(@Nullable Pattern pattern, Map<String, String> partial) {
		if (pattern == null || pattern.size() < partial.size()) {
			return false;
		}
		for (var pair : partial.entrySet()) {
			String value = pattern.properties().get(pair.getKey());
			if (value == null || !(pair.getValue().equals("*") || pair.getValue().equals(value))) {
				return false;
			}
		}
		return true;
	}

	// Changes: path copying from the root; everything off the path is shared with the previous tree.

	private Node<T> with(Node<T> node, String[] pairs, int index, Pattern pattern, T data, List<T> previous) {
		if (index == pairs.length) {
			if (node.data != null) {
				previous.add(node.data);
			}
			return new Node<>(node.depth, pattern, data, node.names, node.branches);
		}
		String name = pairs[index];
		String value = pairs[index + 1];
		int at = Arrays.binarySearch(node.names, name);
		Branch<T> branch = at >= 0 ? node.branches[at] : Branch.empty();
		boolean glob = this.globs && Glob.isGlob(value);
		Node<T> child = branch.child(value, glob);
		Node<T> changed = with(child == null ? Node.empty(node.depth + 1) : child, pairs, index + 2, pattern, data,
				previous);
		return node.withBranch(name, at, branch.withChild(value, glob, changed));
	}

	private @Nullable Node<T> without(Node<T> node, String[] pairs, int index, List<T> removed) {
		if (index == pairs.length) {
			if (node.data == null) {
				return node;
			}
			removed.add(node.data);
			return node.branches.length == 0 ? null : new Node<>(node.depth, null, null, node.names, node.branches);
		}
		String name = pairs[index];
		String value = pairs[index + 1];
		int at = Arrays.binarySearch(node.names, name);
		if (at < 0) {
			return node;
		}
		Branch<T> branch = node.branches[at];
		boolean glob = this.globs && Glob.isGlob(value);
		Node<T> child = branch.child(value, glob);
		if (child == null) {
			return node;
		}
		Node<T> changed = without(child, pairs, index + 2, removed);
		if (changed == child) {
			return node;
		}
		Node<T> result = node.withBranch(name, at, branch.withChild(value, glob, changed));
		return result.data == null && result.branches.length == 0 && node.depth > 0 ? null : result;
	}

	/** name, value, name, value… in name order. */
	private static String[] pairs(Pattern pattern) {
		var pairs = new String[pattern.size() * 2];
		int i = 0;
		for (var pair : pattern.properties().entrySet()) {
			pairs[i++] = pair.getKey();
			pairs[i++] = pair.getValue();
		}
		return pairs;
	}

	private record Table<T>(Node<T> root, int size) {
	}

	/** A trie node: the pattern ending here (if any) and, per next property name, the values that continue. */
	private static final class Node<T> {

		final int depth;

		final @Nullable Pattern pattern;

		final @Nullable T data;

		final String[] names;

		final Branch<T>[] branches;

		/** How many more properties the deepest pattern below this node has. */
		final int height;

		Node(int depth, @Nullable Pattern pattern, @Nullable T data, String[] names, Branch<T>[] branches) {
			this.depth = depth;
			this.pattern = pattern;
			this.data = data;
			this.names = names;
			this.branches = branches;
			int height = 0;
			for (Branch<T> branch : branches) {
				height = Math.max(height, branch.height);
			}
			this.height = height;
		}

		@SuppressWarnings("unchecked")
		static <T> Node<T> empty(int depth) {
			return new Node<>(depth, null, null, new String[0], new Branch[0]);
		}

		/** The number of properties of the deepest pattern at or below this node. */
		int reach() {
			return this.depth + this.height;
		}

		/** This node with the branch of {@code name} (at index {@code at}, or to insert when negative) replaced. */
		@SuppressWarnings("unchecked")
		Node<T> withBranch(String name, int at, @Nullable Branch<T> branch) {
			String[] names;
			Branch<T>[] branches;
			if (at >= 0 && branch != null) {
				names = this.names;
				branches = this.branches.clone();
				branches[at] = branch;
			}
			else if (at >= 0) {
				names = new String[this.names.length - 1];
				branches = new Branch[this.names.length - 1];
				System.arraycopy(this.names, 0, names, 0, at);
				System.arraycopy(this.names, at + 1, names, at, names.length - at);
				System.arraycopy(this.branches, 0, branches, 0, at);
				System.arraycopy(this.branches, at + 1, branches, at, branches.length - at);
			}
			else {
				int insert = -at - 1;
				names = new String[this.names.length + 1];
				branches = new Branch[this.names.length + 1];
				System.arraycopy(this.names, 0, names, 0, insert);
				System.arraycopy(this.names, insert, names, insert + 1, this.names.length - insert);
				System.arraycopy(this.branches, 0, branches, 0, insert);
				System.arraycopy(this.branches, insert, branches, insert + 1, this.branches.length - insert);
				names[insert] = name;
				branches[insert] = branch;
			}
			return new Node<>(this.depth, this.pattern, this.data, names, branches);
		}
	}

	/** The values that follow one property name: exact ones by value, globs in order of precedence. */
	private static final class Branch<T> {

		@SuppressWarnings({ "rawtypes", "unchecked" })
		private static final Branch<?> EMPTY = new Branch(Map.of(), new Glob[0]);

		final Map<String, Node<T>> exact;

		final Glob<T>[] globs;

		/** 1 + how many more properties the deepest pattern below has. */
		final int height;

		Branch(Map<String, Node<T>> exact, Glob<T>[] globs) {
			this.exact = exact;
			this.globs = globs;
			int height = 0;
			for (Node<T> child : exact.values()) {
				height = Math.max(height, 1 + child.height);
			}
			for (Glob<T> glob : globs) {
				height = Math.max(height, 1 + glob.node.height);
			}
			this.height = height;
		}

		@SuppressWarnings("unchecked")
		static <T> Branch<T> empty() {
			return (Branch<T>) EMPTY;
		}

		@Nullable Node<T> child(String value, boolean glob) {
			if (!glob) {
				return this.exact.get(value);
			}
			for (Glob<T> candidate : this.globs) {
				if (candidate.glob.equals(value)) {
					return candidate.node;
				}
			}
			return null;
		}

		/** This branch with the child under {@code value} replaced, or removed when null; null when left empty. */
		@SuppressWarnings("unchecked")
		@Nullable Branch<T> withChild(String value, boolean glob, @Nullable Node<T> child) {
			Map<String, Node<T>> exact = this.exact;
			Glob<T>[] globs = this.globs;
			if (glob) {
				var list = new ArrayList<Glob<T>>(Arrays.asList(this.globs));
				list.removeIf(candidate -> candidate.glob.equals(value));
				if (child != null) {
					list.add(new Glob<>(value, child));
					list.sort(Glob.PRECEDENCE);
				}
				globs = list.toArray(new Glob[0]);
			}
			else {
				var map = new HashMap<>(this.exact);
				if (child == null) {
					map.remove(value);
				}
				else {
					map.put(value, child);
				}
				exact = map;
			}
			return exact.isEmpty() && globs.length == 0 ? null : new Branch<>(exact, globs);
		}
	}

	/** A glob value ({@code *} any run of characters, {@code ?} one character) and the node it leads to. */
	private record Glob<T>(String glob, Node<T> node, int literals) {

		/** More literal characters first (the more specific glob), then by text so that the order is stable. */
		static final Comparator<Glob<?>> PRECEDENCE = Comparator.<Glob<?>>comparingInt(Glob::literals)
			.reversed()
			.thenComparing(Glob::glob);

		Glob(String glob, Node<T> node) {
			this(glob, node, (int) glob.chars().filter(c -> c != '*' && c != '?').count());
		}

		static boolean isGlob(String value) {
			return value.indexOf('*') >= 0 || value.indexOf('?') >= 0;
		}

		/** Iterative wildcard match, backtracking to the last {@code *} only. */
		boolean matches(String text) {
			String glob = this.glob;
			int g = 0;
			int t = 0;
			int star = -1;
			int resume = 0;
			while (t < text.length()) {
				if (g < glob.length() && (glob.charAt(g) == '?' || glob.charAt(g) == text.charAt(t))) {
					g++;
					t++;
				}
				else if (g < glob.length() && glob.charAt(g) == '*') {
					star = g++;
					resume = t;
				}
				else if (star >= 0) {
					g = star + 1;
					t = ++resume;
				}
				else {
					return false;
				}
			}
			while (g < glob.length() && glob.charAt(g) == '*') {
				g++;
			}
			return g == glob.length();
		}
	}
}
