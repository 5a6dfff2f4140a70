package io.cleave;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.cleave.testing.CleaveProcess;
import io.cleave.testing.CleaveProcess.Launch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.FileSystemUtils;

/**
 * {@code bin/cleave} never starts on a cache the JVM would ignore, and trains it on a whole start: a library jar whose timestamp changed in the
 * extracted layout (which silently disables the cache) gets the layout extracted and the cache trained again, an
 * unchanged layout is reused as it is, and the node then starts with {@code -XX:AOTMode=on}, which makes the JVM
 * refuse to start instead of silently running without the cache. With Spring AOT, the code generated for one
 * configuration serves that configuration only: a property a condition reads gets its own generation.
 */
class LauncherIT {

	@Test
	void retrainsTheCacheWhenTheLayoutChangedReusesItOtherwiseAndStartsOnIt(@TempDir Path workDir) throws Exception {
		CleaveProcess.prepareLauncher();
		Path layout = Path.of(System.getProperty("cleave.jar", "target/cleave.jar")).toAbsolutePath()
				.resolveSibling("cleave-app");
		Path library;
		try (Stream<Path> libraries = Files.list(layout.resolve("lib"))) {
			library = libraries.filter(jar -> jar.toString().endsWith(".jar")).findFirst().orElseThrow();
		}
		Files.setLastModifiedTime(library, FileTime.from(Instant.now().minusSeconds(3600)));

		assertThat(CleaveProcess.prepareLauncher()).contains("extracting").contains("training the start-up cache");
		assertThat(Files.readString(layout.resolve("training.log")))
				.as("the training run covers a whole start, up to a ready node, not just the context refresh")
				.contains("Training run: health is UP; stopping");
		assertThat(CleaveProcess.prepareLauncher()).contains("is ready").doesNotContain("extracting")
				.doesNotContain("training");

		FileSystemUtils.copyRecursively(Path.of("config"), workDir.resolve("config"));
		try (CleaveProcess cleave = CleaveProcess.startUntilUp(Launch.LAUNCHER, workDir, workDir.resolve("cleave.log"),
				CleaveProcess.freePort(), Map.of("JAVA_OPTS", "-XX:AOTMode=on"), "--cleave.registry.etcd-api.port=0")) {
			cleave.process().destroy();
			assertThat(cleave.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
			assertThat(cleave.process().exitValue()).as("SIGTERM, not a JVM refusing the cache").isEqualTo(143);
		}
	}

	@Test
	void startsFromSpringAotCodeGeneratedForItsConfigurationAndGeneratesItAgainWhenAConditionsPropertyChanges(
			@TempDir Path workDir) throws Exception {
		FileSystemUtils.copyRecursively(Path.of("config"), workDir.resolve("config"));
		// AOTMode=on: the JVM refuses to start rather than silently ignore the configuration's cache.
		Map<String, String> springAot = Map.of("CLEAVE_SPRING_AOT", "on", "JAVA_OPTS", "-XX:AOTMode=on");

		assertThat(CleaveProcess.prepareLauncher(workDir, springAot, "--cleave.registry.etcd-api.port=0"))
				.contains("Spring AOT: generating");
		assertThat(CleaveProcess.prepareLauncher(workDir, springAot, "--cleave.registry.etcd-api.port=0"))
				.as("the same configuration again").doesNotContain("Spring AOT");
		try (CleaveProcess cleave = CleaveProcess.startUntilUp(workDir, workDir.resolve("aot.log"),
				CleaveProcess.freePort(), springAot, "--cleave.registry.etcd-api.port=0")) {
			assertThat(cleave.log()).content().contains("Starting AOT-processed CleaveApplication")
					.doesNotContain("Spring AOT: generating").contains("Serving etcd's v3 API");
			assertThat(cleave.get("/actuator/health").body()).contains("\"etcdApi\"");
		}

		// A property a condition reads: the code frozen for the first configuration would still serve etcd's API.
		assertThat(CleaveProcess.prepareLauncher(workDir, springAot, "--cleave.registry.etcd-api.enabled=false"))
				.contains("Spring AOT: generating");
		try (CleaveProcess cleave = CleaveProcess.startUntilUp(workDir, workDir.resolve("no-etcd-api.log"),
				CleaveProcess.freePort(), springAot, "--cleave.registry.etcd-api.enabled=false")) {
			assertThat(cleave.log()).content().contains("Starting AOT-processed CleaveApplication")
					.doesNotContain("Serving etcd's v3 API");
			assertThat(cleave.get("/actuator/health").body()).contains("\"registryStore\"").doesNotContain("etcdApi");
		}
	}
}
