package io.cleave.rpc.endpoint;

import java.util.List;
import java.util.stream.Collectors;

/** RPC services that break the contract of {@link io.cleave.rpc.RpcService}; start-up fails with every problem listed. */
public class RpcContractException extends IllegalStateException {

	private final List<String> problems;

	public RpcContractException(List<String> problems) {
		super("RPC services break their contract:" + problems.stream().map(problem -> "\n - " + problem)
				.collect(Collectors.joining()));
		this.problems = List.copyOf(problems);
	}

	/** One sentence per problem, naming the service, the method and what is wrong. */
	public List<String> problems() {
		return problems;
	}
}
