package io.cleave;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
 * {@code bin/cleave} never starts on a cache the JVM would ignore: every start here runs with
 * {@code -XX:AOTMode=on}, which makes the JVM refuse to start instead of silently running without the cache, and a
 * library jar whose timestamp changed in the extracted layout (which silently disables the cache) gets the layout
 * extracted and the cache trained again, while an unchanged layout is reused as it is.
 */
class LauncherIT {

	/** Makes an unusable cache fatal instead of silently ignored. */
	private static final Map<String, String> CACHE_REQUIRED = Map.of("JAVA_OPTS", "-XX:AOTMode=on");

	@Test
	void retrainsTheCacheWhenTheLayoutChangedAndReusesItOtherwise(@TempDir Path workDir) throws Exception {
		FileSystemUtils.copyRecursively(Path.of("config"), workDir.resolve("config"));
		startAndStop(workDir, "first");

		Path layout = Path.of(System.getProperty("cleave.jar", "target/cleave.jar")).toAbsolutePath()
				.resolveSibling("cleave-app");
		Path library;
		try (Stream<Path> libraries = Files.list(layout.resolve("lib"))) {
			library = libraries.filter(jar -> jar.toString().endsWith(".jar")).findFirst().orElseThrow();
		}
		Files.setLastModifiedTime(library, FileTime.from(Instant.now().minusSeconds(3600)));

		String retrained = startAndStop(workDir, "touched");
		assertThat(retrained).contains("extracting").contains("training the start-up cache");

		String reused = startAndStop(workDir, "unchanged");
		assertThat(reused).doesNotContain("extracting").doesNotContain("training");
	}

	private static String startAndStop(Path workDir, String name) throws IOException, InterruptedException {
		Path log = workDir.resolve(name + ".log");
		try (CleaveProcess cleave = CleaveProcess.startUntilUp(Launch.LAUNCHER, workDir, log,
				CleaveProcess.freePort(), CACHE_REQUIRED, "--cleave.registry.etcd-api.port=0")) {
			cleave.process().destroy();
			assertThat(cleave.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
		}
		return Files.readString(log);
	}
}
