package io.cleave;

import java.nio.file.Path;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Node-wide settings ({@code cleave.*}): where this process keeps its data, what it is called and how
 * traffic to modules hosted by other processes travels.
 *
 * @param dataDir directory of the embedded H2 database file; relative paths resolve against the working
 *     directory
 * @param node this process's identity
 * @param transport how each of the three mechanisms crosses process boundaries
 */
@ConfigurationProperties("cleave")
public record CleaveProperties(
		@DefaultValue("./data") @NotNull Path dataDir,
		@DefaultValue @Valid Node node,
		@DefaultValue @Valid Transport transport) {

	/**
	 * This process's identity among the nodes of one deployment.
	 *
	 * @param name unique per node; a DNS label (lower-case letters, digits and inner hyphens, at most 63)
	 * @param modules the application modules this node hosts, by name ({@code kv}, {@code shop.orders}); empty (the
	 *     default) hosts every module. Calls to a module hosted elsewhere travel by {@code cleave.transport.rpc}.
	 */
	public record Node(
			@DefaultValue("cleave-1")
			@NotNull
			@Pattern(regexp = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?",
					message = "must be a DNS label: lower-case letters, digits and inner '-', at most 63 characters")
			String name,
			@DefaultValue List<String> modules) {

		public Node {
			modules = List.copyOf(modules);
		}

		/** Whether this node hosts {@code module}, or the module {@code module} is nested in. */
		public boolean hosts(String module) {
			return modules.isEmpty() || modules.stream()
					.anyMatch(hosted -> module.equals(hosted) || module.startsWith(hosted + "."));
		}
	}

	/**
	 * How calls, events and pattern messages reach modules hosted by other nodes.
	 *
	 * @param rpc typed request/response calls
	 * @param events domain events published through the event publication registry
	 * @param messaging pattern-routed messages ({@code act}, {@code send}, {@code publish})
	 */
	public record Transport(
			@DefaultValue("inproc") @NotNull RpcTransport rpc,
			@DefaultValue("inproc") @NotNull EventTransport events,
			@DefaultValue("inproc") @NotNull MessagingTransport messaging) {
	}

	/** Transports for RPC; only the ones this build carries are listed. */
	public enum RpcTransport {
		/** Every module is in this JVM: calls are direct method calls through the endpoint chain. */
		INPROC,
		/**
		 * Calls to modules hosted elsewhere travel over gRPC to instances found in the registry; this node serves
		 * its own hosted services over gRPC (cleave.rpc.grpc.*).
		 */
		GRPC
	}

	/** Transports for domain events; only the ones this build carries are listed. */
	public enum EventTransport {
		/** Events stay in this JVM's event publication registry. */
		INPROC
	}

	/** Transports for pattern messages; only the ones this build carries are listed. */
	public enum MessagingTransport {
		/** Pattern messages travel over in-JVM channels. */
		INPROC
	}
}
