package io.cleave.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Configuration;

/**
 * The test helpers delete the directories they create once the test JVM is done with them. Each case runs in a JVM
 * of its own that creates the directory, uses it and exits, as a test run does; the directory must be gone then.
 */
class TestHousekeepingTests {

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = {"fresh-data-directory", "shared-etcd", "embedded-postgres"})
	void aHelpersDirectoryIsGoneWhenTheJvmThatMadeItExits(String helper) throws Exception {
		String java = ProcessHandle.current().info().command().orElse("java");
		Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
				LeavesADirectory.class.getName(), helper)
				.redirectErrorStream(true)
				.start();
		String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(child.waitFor(120, TimeUnit.SECONDS)).as(output).isTrue();
		assertThat(child.exitValue()).as(output).isZero();

		List<String> made = output.lines().filter(line -> line.startsWith("MADE ")).toList();
		assertThat(made).as(output).hasSize(1);
		Path directory = Path.of(made.getFirst().substring("MADE ".length()));
		assertThat(directory).as("made and used while the JVM ran").isAbsolute();
		assertThat(directory).as(output).doesNotExist();
	}

	/**
	 * A JVM that runs a Spring Boot application, as every test JVM using these helpers does, creates a helper's
	 * directory, puts something in it, names it and exits.
	 */
	static final class LeavesADirectory {

		public static void main(String[] arguments) throws IOException {
			new SpringApplicationBuilder(Empty.class).web(WebApplicationType.NONE).logStartupInfo(false).run();
			Path directory = switch (arguments[0]) {
				case "fresh-data-directory" -> {
					Path made = FreshDataDirectory.create("cleave-housekeeping-");
					Files.writeString(made.resolve("cleave.mv.db"), "data");
					yield made;
				}
				case "shared-etcd" -> EtcdProcess.shared().dataDirectory().getParent();
				case "embedded-postgres" -> {
					EmbeddedPostgresServer.createDatabase("housekeeping");
					yield EmbeddedPostgresServer.dataDirectory();
				}
				default -> throw new IllegalArgumentException(arguments[0]);
			};
			if (!Files.isDirectory(directory)) {
				throw new IllegalStateException(directory + " was not made");
			}
			System.out.println("MADE " + directory.toAbsolutePath());
			System.exit(0);
		}

		@Configuration(proxyBeanMethods = false)
		static class Empty {
		}
	}
}
