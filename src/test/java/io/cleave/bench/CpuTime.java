package io.cleave.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

import com.sun.management.OperatingSystemMXBean;

/**
 * CPU time used so far, in seconds: by this JVM, and by a server process together with its children (PostgreSQL
 * forks a backend per connection), read from Linux's {@code /proc/<pid>/stat}.
 */
final class CpuTime {

	/** Linux's USER_HZ: the unit of the times in {@code /proc/<pid>/stat}; 100 on every mainstream kernel. */
	private static final double TICKS_PER_SECOND = 100;

	private static final OperatingSystemMXBean OS =
			(OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

	private CpuTime() {
	}

	/** This JVM's user and system CPU time, every thread included. */
	static double jvmSeconds() {
		return OS.getProcessCpuTime() / 1e9;
	}

	/**
	 * The user and system CPU time of process {@code pid} and of all its live descendants, plus what its exited
	 * children used (the kernel adds that to the parent's {@code cutime}/{@code cstime} when it reaps them).
	 */
	static double processTreeSeconds(long pid) {
		Map<Long, Stat> all = readAll();
		List<Long> tree = new ArrayList<>(List.of(pid));
		for (int i = 0; i < tree.size(); i++) {
			long parent = tree.get(i);
			all.forEach((child, stat) -> {
				if (stat.parent() == parent) {
					tree.add(child);
				}
			});
		}
		long ticks = tree.stream().map(all::get).filter(Objects::nonNull).mapToLong(Stat::ticks).sum();
		return ticks / TICKS_PER_SECOND;
	}

	private static Map<Long, Stat> readAll() {
		Map<Long, Stat> stats = new HashMap<>();
		try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
			entries.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
					.forEach(p -> read(p.resolve("stat")).ifPresent(s -> stats.put(Long.parseLong(p.getFileName().toString()), s)));
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot list /proc: CPU time of a server process needs Linux", ex);
		}
		return stats;
	}

	private static Optional<Stat> read(Path stat) {
		try {
			return Optional.of(Stat.parse(Files.readString(stat)));
		}
		catch (IOException ex) {
			return Optional.empty(); // the process exited while we looked
		}
	}

	/** The fields of {@code /proc/<pid>/stat} this needs. */
	private record Stat(long parent, long ticks) {

		/** Fields after the command name (which may hold spaces, hence the last ')'): state, ppid, … utime is 14th. */
		static Stat parse(String line) {
			String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
			// fields[0] is field 3 (state): field n is fields[n - 3]
			long utime = Long.parseLong(fields[14 - 3]);
			long stime = Long.parseLong(fields[15 - 3]);
			long cutime = Long.parseLong(fields[16 - 3]);
			long cstime = Long.parseLong(fields[17 - 3]);
			return new Stat(Long.parseLong(fields[4 - 3]), utime + stime + cutime + cstime);
		}
	}
}
