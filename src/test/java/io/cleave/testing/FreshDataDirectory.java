package io.cleave.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.boot.SpringApplication;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.util.FileSystemUtils;

/**
 * Points a test context's {@code cleave.data-dir} at a new empty directory, so its H2 file starts empty, and deletes
 * the directory when the JVM exits — after Spring Boot has closed the test contexts, which hold the database open
 * until then (the test framework caches them for the whole run).
 */
public final class FreshDataDirectory {

	private FreshDataDirectory() {
	}

	public static void register(DynamicPropertyRegistry registry, String prefix) {
		Path dataDir = create(prefix);
		registry.add("cleave.data-dir", dataDir::toString);
	}

	/** A new empty directory, deleted when the JVM exits (after the application contexts are closed). */
	public static Path create(String prefix) {
		try {
			Path dataDir = Files.createTempDirectory(prefix);
			// Boot runs its shutdown handlers once every application context it started has been closed (it hooks
			// into the JVM's exit with the first application, which every user of this helper runs).
			SpringApplication.getShutdownHandlers().add(() -> delete(dataDir));
			return dataDir;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not create a data directory", ex);
		}
	}

	private static void delete(Path directory) {
		try {
			FileSystemUtils.deleteRecursively(directory);
		}
		catch (IOException ex) {
			System.err.println("could not delete " + directory + ": " + ex.getMessage());
		}
	}
}
