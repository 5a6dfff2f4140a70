package io.cleave.registry;

import java.net.URI;
import java.util.Map;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * One running instance of a service, as discovery reports it. Stored as JSON under
 * {@code /cleave/services/<service>/<id>}, attached to the lease of whoever registered it.
 *
 * @param service the service's name (a DNS label: lower-case letters, digits, '-')
 * @param id the instance's id, unique within the service (letters, digits, '.', '_', '-')
 * @param addresses where it is reached, per transport ({@code http}, {@code grpc}, …)
 * @param zone the zone it runs in, or null
 * @param version the version it runs, or null
 * @param weight its share of traffic relative to the service's other instances, at least 0
 * @param metadata free-form labels
 */
public record ServiceInstance(String service, String id, Map<String, URI> addresses, @Nullable String zone,
		@Nullable String version, int weight, Map<String, String> metadata) {

	/** Where service instances live in the key-value store. */
	public static final String PREFIX = "/cleave/services/";

	private static final Pattern SERVICE = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

	private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

	public ServiceInstance {
		requireName("service name", service, SERVICE, "a DNS label: lower-case letters, digits and '-'");
		requireName("instance id", id, ID, "1 to 128 letters, digits, '.', '_' or '-'");
		if (weight < 0) {
			throw RegistryException.invalidArgument("weight must not be negative, was " + weight);
		}
		addresses = Map.copyOf(addresses);
		metadata = Map.copyOf(metadata);
	}

	/** The key this instance is stored under. */
	public Bytes key() {
		return key(service, id);
	}

	public static Bytes key(String service, String id) {
		return Bytes.utf8(PREFIX + service + "/" + id);
	}

	/** The prefix of every instance of {@code service}. */
	public static KeyRange ofService(String service) {
		return KeyRange.prefix(PREFIX + service + "/");
	}

	public static void requireServiceName(String service) {
		requireName("service name", service, SERVICE, "a DNS label: lower-case letters, digits and '-'");
	}

	private static void requireName(String what, @Nullable String value, Pattern pattern, String rule) {
		if (value == null || !pattern.matcher(value).matches()) {
			throw RegistryException.invalidArgument(what + " '" + value + "' is not valid: it must be " + rule);
		}
	}
}
