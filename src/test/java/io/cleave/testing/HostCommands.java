package io.cleave.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Finds the real programs tests drive (etcd, etcdctl, …), installing their Debian package through
 * {@code src/test/tools/require-command.sh} when the machine lacks them and can install them. A machine that cannot
 * fails the test with the package to install.
 */
public final class HostCommands {

	private static final ConcurrentMap<String, Path> FOUND = new ConcurrentHashMap<>();

	private HostCommands() {
	}

	/** The path of {@code command}, from Debian package {@code debianPackage}. */
	public static Path require(String command, String debianPackage) {
		return FOUND.computeIfAbsent(command, c -> locate(c, debianPackage));
	}

	/** etcd's server, Debian's {@code etcd-server} (3.4). */
	public static Path etcd() {
		return require("etcd", "etcd-server");
	}

	/** etcd's v3 command-line client, Debian's {@code etcd-client} (3.4). */
	public static Path etcdctl() {
		return require("etcdctl", "etcd-client");
	}

	private static Path locate(String command, String debianPackage) {
		try {
			Process process = new ProcessBuilder("bash", "src/test/tools/require-command.sh", command, debianPackage)
					.redirectError(ProcessBuilder.Redirect.INHERIT)
					.start();
			String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
			if (process.waitFor() != 0 || out.isEmpty()) {
				throw new IllegalStateException("'" + command + "' is needed by this test and is not installed:"
						+ " install the Debian package '" + debianPackage + "' (apt-get install " + debianPackage + ")");
			}
			return Path.of(out);
		}
		catch (IOException ex) {
			throw new IllegalStateException("could not look for '" + command + "'", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while looking for '" + command + "'", ex);
		}
	}
}
