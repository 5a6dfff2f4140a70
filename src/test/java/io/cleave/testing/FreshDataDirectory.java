package io.cleave.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

import org.springframework.test.context.DynamicPropertyRegistry;

/** Points a test context's {@code cleave.data-dir} at a new empty directory, so its H2 file starts empty. */
public final class FreshDataDirectory {

	private FreshDataDirectory() {
	}

	public static void register(DynamicPropertyRegistry registry, String prefix) {
		try {
			var dataDir = Files.createTempDirectory(prefix);
			registry.add("cleave.data-dir", dataDir::toString);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not create a data directory", ex);
		}
	}
}
