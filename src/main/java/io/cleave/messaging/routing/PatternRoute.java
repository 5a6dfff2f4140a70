package io.cleave.messaging.routing;

import java.util.List;

import io.cleave.messaging.Pattern;

/**
 * Where messages matching a pattern go: the queue that consumes them and the nodes that serve it.
 *
 * @param pattern the pattern, as advertised
 * @param queue the queue its handlers consume from
 * @param nodes the names of the nodes serving it on that queue, sorted, never empty
 */
public record PatternRoute(Pattern pattern, String queue, List<String> nodes) {

	public PatternRoute {
		nodes = List.copyOf(nodes);
		if (nodes.isEmpty()) {
			throw new IllegalArgumentException("A route for %s needs at least one node".formatted(pattern));
		}
	}

	/** Whether the named node serves this route, so a message for it can stay in that node. */
	public boolean servedBy(String node) {
		return nodes.contains(node);
	}
}
