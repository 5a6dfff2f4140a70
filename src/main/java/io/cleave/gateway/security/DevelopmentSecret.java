package io.cleave.gateway.security;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;

/**
 * The JWT secret a node outside the {@code prod} profile generates at each start when none is configured, and the
 * file it leaves for {@code bin/cleave token}: {@code <data-dir>/}{@value #FILE_NAME}, readable by its owner only,
 * holding the secret and the issuer, audience and roles claim a token must carry. Tokens minted before a restart
 * stop working with it.
 */
record DevelopmentSecret(String secret, String issuer, String audience, String rolesClaim) {

	static final String FILE_NAME = "dev-jwt.properties";

	/** A new random secret (256 bits) for {@code jwt}'s issuer and audience. */
	static DevelopmentSecret generate(GatewaySecurityProperties.Jwt jwt) {
		byte[] random = new byte[32];
		new SecureRandom().nextBytes(random);
		return new DevelopmentSecret(Base64.getUrlEncoder().withoutPadding().encodeToString(random), jwt.issuer(),
				jwt.audience(), jwt.rolesClaim());
	}

	byte[] bytes() {
		return secret.getBytes(StandardCharsets.UTF_8);
	}

	/** Writes the file under {@code dataDir}, created with owner-only permissions before the secret goes in. */
	Path writeTo(Path dataDir) throws IOException {
		Files.createDirectories(dataDir);
		Path file = dataDir.resolve(FILE_NAME);
		Path temporary = dataDir.resolve(FILE_NAME + ".tmp");
		Files.deleteIfExists(temporary);
		try {
			Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
		}
		catch (UnsupportedOperationException notPosix) {
			Files.createFile(temporary);
		}
		catch (FileAlreadyExistsException raced) {
			throw new IOException("another process is writing " + temporary, raced);
		}
		Properties properties = new Properties();
		properties.setProperty("secret", secret);
		properties.setProperty("issuer", issuer);
		properties.setProperty("audience", audience);
		properties.setProperty("roles-claim", rolesClaim);
		try (Writer out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
			properties.store(out, "Development JWT secret of the Cleave node using this data directory; regenerated at "
					+ "every start outside the prod profile. bin/cleave token mints tokens with it.");
		}
		try {
			Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (AtomicMoveNotSupportedException notAtomic) {
			Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
		}
		return file;
	}

	/** Reads the file a node wrote under {@code dataDir}. */
	static DevelopmentSecret readFrom(Path dataDir) {
		Path file = dataDir.resolve(FILE_NAME);
		Properties properties = new Properties();
		try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
			properties.load(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(file.toString(), ex);
		}
		return new DevelopmentSecret(required(properties, "secret", file), required(properties, "issuer", file),
				required(properties, "audience", file), required(properties, "roles-claim", file));
	}

	private static String required(Properties properties, String name, Path file) {
		String value = properties.getProperty(name);
		if (value == null || value.isBlank()) {
			throw new IllegalStateException(file + " has no " + name);
		}
		return value;
	}
}
