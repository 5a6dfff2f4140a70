package io.cleave.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cleave.CleaveApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A whole Cleave node started inside the test JVM, for tests that need several nodes at once (several can run side
 * by side: each gets free ports). Close it to stop it gracefully.
 */
public final class CleaveNode implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private CleaveNode(ConfigurableApplicationContext context) {
		this.context = context;
	}

	/**
	 * Starts a node named {@code name}, on free ports, with extra {@code key=value} settings (which may also name
	 * the ports).
	 *
	 * @param profiles Spring profiles to activate, e.g. {@code postgres}
	 */
	public static CleaveNode start(String name, List<String> profiles, String... settings) {
		return start(name, profiles, List.of(), settings);
	}

	/** As {@link #start(String, List, String...)}, with extra configuration classes (test beans) in the context. */
	public static CleaveNode start(String name, List<String> profiles, List<Class<?>> extraSources,
			String... settings) {
		// A setting replaces the default of the same key (Spring would join repeated arguments with a comma).
		Map<String, String> arguments = new LinkedHashMap<>(Map.of("cleave.node.name", name, "server.port", "0",
				"cleave.registry.etcd-api.port", "0", "spring.jmx.enabled", "false"));
		for (String setting : settings) {
			int equals = setting.indexOf('=');
			arguments.put(equals < 0 ? setting : setting.substring(0, equals),
					equals < 0 ? "" : setting.substring(equals + 1));
		}
		List<Class<?>> sources = new ArrayList<>(List.of(CleaveApplication.class));
		sources.addAll(extraSources);
		ConfigurableApplicationContext context = new SpringApplicationBuilder(sources.toArray(Class<?>[]::new))
				.profiles(profiles.toArray(String[]::new))
				.run(arguments.entrySet().stream().map(a -> "--" + a.getKey() + "=" + a.getValue()).toArray(String[]::new));
		return new CleaveNode(context);
	}

	public <T> T bean(Class<T> type) {
		return context.getBean(type);
	}

	public ConfigurableApplicationContext context() {
		return context;
	}

	@Override
	public void close() {
		context.close();
	}
}
