package io.cleave.registry.grpc.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.cleave.testing.HostCommands;

import org.jspecify.annotations.Nullable;

/** Runs Debian's {@code etcdctl} 3.4 against one endpoint, the way a person at a shell would. */
final class Etcdctl {

	private static final long TIMEOUT_SECONDS = 30;

	private final String endpoint;

	private final List<String> options;

	Etcdctl(int port) {
		this(port, List.of());
	}

	private Etcdctl(int port, List<String> options) {
		this.endpoint = "127.0.0.1:" + port;
		this.options = List.copyOf(options);
	}

	/** etcdctl over TLS, trusting {@code ca}, with a client certificate and key if given (PEM files). */
	static Etcdctl overTls(int port, Path ca, @Nullable Path cert, @Nullable Path key) {
		List<String> options = new ArrayList<>(List.of("--cacert=" + ca));
		if (cert != null && key != null) {
			options.addAll(List.of("--cert=" + cert, "--key=" + key));
		}
		return new Etcdctl(port, options);
	}

	/** Runs a command to its end; fails unless it succeeds. */
	String run(String... arguments) {
		return runWithInput("", arguments);
	}

	/** Runs a command with {@code input} on its standard input; fails unless it succeeds. */
	String runWithInput(String input, String... arguments) {
		Result result = attempt(input, arguments);
		if (result.exitCode() != 0) {
			throw new AssertionError("etcdctl " + String.join(" ", arguments) + " exited with " + result.exitCode()
					+ ": " + result.errors());
		}
		return result.output();
	}

	/** Runs a command to its end, whatever its outcome. */
	Result attempt(String input, String... arguments) {
		try {
			Process process = start(arguments);
			try (Writer stdin = process.outputWriter(StandardCharsets.UTF_8)) {
				stdin.write(input);
			}
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new AssertionError("etcdctl " + String.join(" ", arguments) + " did not end");
			}
			return new Result(process.exitValue(), output, errors);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("interrupted", ex);
		}
	}

	/** Starts a long-running command ({@code watch}, {@code lease keep-alive}) whose output lines are collected. */
	Background background(String... arguments) {
		try {
			return new Background(start(arguments));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private Process start(String... arguments) throws IOException {
		List<String> command = new ArrayList<>(List.of(HostCommands.etcdctl().toString(), "--endpoints=" + endpoint,
				"--dial-timeout=5s", "--command-timeout=10s"));
		command.addAll(options);
		command.addAll(List.of(arguments));
		ProcessBuilder builder = new ProcessBuilder(command);
		builder.environment().put("ETCDCTL_API", "3");
		return builder.start();
	}

	record Result(int exitCode, String output, String errors) {
	}

	/** A running etcdctl; its standard output and error, line by line, as they come. */
	static final class Background implements AutoCloseable {

		private final Process process;

		private final List<String> lines = new CopyOnWriteArrayList<>();

		Background(Process process) {
			this.process = process;
			Thread.ofVirtual().start(() -> collect(new BufferedReader(process.inputReader(StandardCharsets.UTF_8))));
			Thread.ofVirtual().start(() -> collect(new BufferedReader(process.errorReader(StandardCharsets.UTF_8))));
		}

		List<String> lines() {
			return List.copyOf(lines);
		}

		boolean isAlive() {
			return process.isAlive();
		}

		private void collect(BufferedReader reader) {
			try (reader) {
				reader.lines().forEach(lines::add);
			}
			catch (IOException | UncheckedIOException ended) {
				// the process is gone
			}
		}

		@Override
		public void close() throws InterruptedException {
			process.destroy();
			process.waitFor(10, TimeUnit.SECONDS);
		}
	}
}
