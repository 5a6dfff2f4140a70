package io.cleave.rpc.endpoint;

import java.util.regex.Pattern;

/** How RPC names are spelled and matched on every transport. */
final class RpcNames {

	/** Names usable as protobuf identifiers, so every transport can carry them unchanged. */
	static final Pattern VALID = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

	private RpcNames() {
	}

	/** A method's RPC name: its Java name with the first letter in upper case. */
	static String methodName(String javaName) {
		return capitalize(javaName);
	}

	/** Whether {@code requested} names {@code declared}: as declared, or with goms' first-letter capitalisation. */
	static boolean matches(String declared, String requested) {
		return declared.equals(requested) || declared.equals(capitalize(requested));
	}

	/** {@code name} with its first letter in upper case; {@code name} itself when it already starts with one. */
	static String capitalize(String name) {
		return name.isEmpty() || Character.isUpperCase(name.charAt(0)) ? name
				: Character.toUpperCase(name.charAt(0)) + name.substring(1);
	}
}
