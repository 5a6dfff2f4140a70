package io.cleave.bench;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.cleave.messaging.MessageBus;
import io.cleave.messaging.MessageHandler;
import io.cleave.messaging.Registration;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The in-process {@code act} round trip (routing, deadline alarm, handler, reply, meters) beside the anchor: the same
 * handler called directly. Run by {@code bench/messaging-bus.sh}; no test runs it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ActBenchmark {

	private BusNode node;

	private MessageBus bus;

	private Registration registration;

	private final MessageHandler handler = message -> JsonNodeFactory.instance.objectNode()
			.put("Result", message.path("Value").asInt() > 0);

	private ObjectNode message;

	private final Duration deadline = Duration.ofSeconds(5);

	@Setup(Level.Trial)
	public void start() {
		node = BusNode.start("h2");
		bus = node.bean(MessageBus.class);
		registration = bus.handle("role:math,cmd:positive,bench:true", handler);
		message = JsonMapper.builder().build().valueToTree(Map.of("Pattern", "role:math,cmd:positive,bench:true",
				"Value", 1));
	}

	@TearDown(Level.Trial)
	public void stop() {
		registration.close();
		node.close();
	}

	@Benchmark
	public JsonNode act() {
		return bus.act(message, deadline);
	}

	@Benchmark
	public Object directCall() throws Exception {
		return handler.handle(message);
	}
}
