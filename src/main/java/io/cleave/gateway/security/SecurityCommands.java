package io.cleave.gateway.security;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * The credential commands of {@code bin/cleave}, run without starting a node:
 * <ul>
 * <li>{@code token} mints a short-lived HS256 development token with the secret a local node wrote under its data
 * directory ({@link DevelopmentSecret});</li>
 * <li>{@code password} prints the {bcrypt} hash of an operator's password, for {@code cleave.gateway.security.operators};</li>
 * <li>{@code api-key} prints a new random API key and its SHA-256, for {@code cleave.gateway.security.api-keys}.</li>
 * </ul>
 */
public final class SecurityCommands {

	/** Development tokens live at most this long: they are for trying things, not for services. */
	static final Duration MAX_TTL = Duration.ofHours(8);

	private static final String USAGE = """
			usage: bin/cleave token [--roles operator,user] [--scopes a,b] [--subject name] [--ttl 15m] [--data-dir ./data]
			       bin/cleave password          (reads the password from the terminal or stdin)
			       bin/cleave api-key [name] [--roles user]
			""";

	private SecurityCommands() {
	}

	public static void main(String[] args) {
		System.exit(run(List.of(args), System.out, System.err));
	}

	/** Runs one command; returns the process's exit status. */
	static int run(List<String> args, PrintStream out, PrintStream err) {
		if (args.isEmpty()) {
			err.print(USAGE);
			return 2;
		}
		try {
			Map<String, String> options = options(args.subList(1, args.size()));
			switch (args.get(0)) {
				case "token" -> out.println(token(options, Instant.now()));
				case "password" -> out.println(password());
				case "api-key" -> apiKey(options, out);
				default -> throw new IllegalArgumentException("unknown command '" + args.get(0) + "'");
			}
			return 0;
		}
		catch (IllegalArgumentException | IllegalStateException | UncheckedIOException failure) {
			err.println("cleave: " + failure.getMessage());
			if (failure instanceof IllegalArgumentException) {
				err.print(USAGE);
			}
			return failure instanceof IllegalArgumentException ? 2 : 1;
		}
	}

	/** {@code --name value} pairs; a first bare word is kept as {@code ""} (the API key's name). */
	private static Map<String, String> options(List<String> args) {
		Map<String, String> options = new LinkedHashMap<>();
		for (int i = 0; i < args.size(); i++) {
			String arg = args.get(i);
			if (arg.startsWith("--")) {
				int equals = arg.indexOf('=');
				if (equals > 0) {
					options.put(arg.substring(2, equals), arg.substring(equals + 1));
				}
				else if (i + 1 < args.size()) {
					options.put(arg.substring(2), args.get(++i));
				}
				else {
					throw new IllegalArgumentException(arg + " needs a value");
				}
			}
			else if (!options.containsKey("")) {
				options.put("", arg);
			}
			else {
				throw new IllegalArgumentException("unexpected argument '" + arg + "'");
			}
		}
		return options;
	}

	static String token(Map<String, String> options, Instant now) {
		for (String option : options.keySet()) {
			if (!List.of("roles", "scopes", "subject", "ttl", "data-dir").contains(option)) {
				throw new IllegalArgumentException("token takes no " + (option.isEmpty() ? "bare argument" : "--" + option));
			}
		}
		Duration ttl = duration(options.getOrDefault("ttl", "15m"));
		if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
			throw new IllegalArgumentException("--ttl must be between 1s and " + MAX_TTL.toHours() + "h");
		}
		Path dataDir = Path.of(options.getOrDefault("data-dir", dataDirFromEnvironment()));
		DevelopmentSecret secret;
		try {
			secret = DevelopmentSecret.readFrom(dataDir);
		}
		catch (UncheckedIOException unreadable) {
			throw new IllegalStateException(unreadable.getCause() instanceof NoSuchFileException
					? "no development secret in " + dataDir.resolve(DevelopmentSecret.FILE_NAME) + ": start the node "
							+ "without the prod profile (and without cleave.gateway.security.jwt.secret) first, "
							+ "or point --data-dir at its data directory"
					: "cannot read " + dataDir.resolve(DevelopmentSecret.FILE_NAME) + ": "
							+ unreadable.getCause().getMessage());
		}
		JWTClaimsSet claims = new JWTClaimsSet.Builder()
				.subject(options.getOrDefault("subject", System.getProperty("user.name", "developer")))
				.issuer(secret.issuer())
				.audience(secret.audience())
				.issueTime(java.util.Date.from(now))
				.notBeforeTime(java.util.Date.from(now))
				.expirationTime(java.util.Date.from(now.plus(ttl)))
				.jwtID(UUID.randomUUID().toString())
				.claim(secret.rolesClaim(), list(options.getOrDefault("roles", GatewaySecurityProperties.OPERATOR)))
				.claim("scope", String.join(" ", list(options.getOrDefault("scopes", ""))))
				.build();
		SignedJWT token = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(),
				claims);
		try {
			token.sign(new MACSigner(secret.bytes()));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("cannot sign with the development secret: " + ex.getMessage(), ex);
		}
		return token.serialize();
	}

	private static String dataDirFromEnvironment() {
		String fromEnvironment = System.getenv("CLEAVE_DATA_DIR");
		return fromEnvironment == null || fromEnvironment.isBlank() ? "./data" : fromEnvironment;
	}

	private static List<String> list(String commaSeparated) {
		List<String> values = new ArrayList<>();
		for (String value : commaSeparated.split(",")) {
			if (!value.isBlank()) {
				values.add(value.strip());
			}
		}
		return values;
	}

	private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)(s|m|h)");

	/** {@code 90s}, {@code 15m}, {@code 2h}, or ISO-8601 ({@code PT15M}). */
	static Duration duration(String text) {
		Matcher simple = SIMPLE_DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
		try {
			if (simple.matches()) {
				long amount = Long.parseLong(simple.group(1));
				return switch (simple.group(2)) {
					case "s" -> Duration.ofSeconds(amount);
					case "m" -> Duration.ofMinutes(amount);
					default -> Duration.ofHours(amount);
				};
			}
			return Duration.parse(text.strip());
		}
		catch (RuntimeException invalid) {
			throw new IllegalArgumentException("'" + text + "' is not a duration (90s, 15m, 2h)");
		}
	}

	private static String password() {
		Console console = System.console();
		char[] password;
		if (console != null) {
			password = console.readPassword("password: ");
			char[] again = console.readPassword("again: ");
			if (password == null || again == null || !new String(password).equals(new String(again))) {
				throw new IllegalStateException("the passwords differ");
			}
		}
		else {
			try {
				String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
				password = line == null ? new char[0] : line.toCharArray();
			}
			catch (IOException ex) {
				throw new UncheckedIOException("cannot read the password from stdin", ex);
			}
		}
		if (password.length < 12) {
			throw new IllegalStateException("an operator's password needs at least 12 characters");
		}
		return "{bcrypt}" + new BCryptPasswordEncoder(12).encode(new String(password));
	}

	private static void apiKey(Map<String, String> options, PrintStream out) {
		byte[] random = new byte[32];
		new SecureRandom().nextBytes(random);
		String key = "ck_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
		String name = options.getOrDefault("", "my-service");
		String sha256 = HexFormat.of().formatHex(ApiKeyAuthentication.sha256(key));
		out.println("# The key (shown once; give it to the service, which sends it as " + ApiKeyAuthentication.HEADER
				+ "):");
		out.println("# " + key);
		out.println("# Its entry for config/application.yml, under cleave.gateway.security.api-keys:");
		out.println("- name: " + name);
		out.println("  sha256: " + sha256);
		out.println("  roles: [" + String.join(", ", list(options.getOrDefault("roles", "user"))) + "]");
	}
}
