package io.cleave.rpc.grpc;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.cleave.rpc.ProtoField;
import org.jspecify.annotations.Nullable;

/** Records of every shape the protobuf mapping covers, for the codec's tests. */
final class Shapes {

	private Shapes() {
	}

	enum Colour {
		RED, GREEN, @ProtoField(7) BLUE
	}

	record Line(String sku, int quantity, BigDecimal price) {
	}

	record Everything(int count, long total, boolean active, float ratio, double score, Integer boxed, String text,
			byte[] payload, @Nullable String nickname, Optional<Integer> maybe, Colour colour, List<Line> lines,
			List<Long> numbers, List<String> tags, Map<String, Line> byName, Map<Long, Colour> colours, Instant at,
			Duration took, @Nullable Instant deletedAt, BigDecimal amount, UUID id, Line main, @Nullable Line other,
			@ProtoField(100) String pinned) {
	}

	record Tree(String name, List<Tree> children) {
	}

	static Everything everything() {
		return new Everything(-42, 1L << 40, true, 1.5f, -2.25, 7, "héllo ✓", new byte[] { 0, 1, (byte) 0xff },
				"nick", Optional.of(0), Colour.BLUE,
				List.of(new Line("a-1", 2, new BigDecimal("9.90")), new Line("b-2", 0, new BigDecimal("1E+3"))),
				List.of(1L, -1L, Long.MAX_VALUE), List.of("x", ""), Map.of("first", new Line("c", 1, BigDecimal.ONE)),
				Map.of(3L, Colour.GREEN, 4L, Colour.RED), Instant.parse("2026-11-29T20:15:30.123456789Z"),
				Duration.ofMillis(-1500), null, new BigDecimal("-12345678901234567890.000001"),
				UUID.fromString("0b7f0e6c-3c66-4a0e-9d8c-6d2b1f1f3a10"), new Line("main", 3, new BigDecimal("0.00")),
				null, "pinned");
	}

	static Everything defaults() {
		return new Everything(0, 0, false, 0, 0, 0, "", new byte[0], null, Optional.empty(), Colour.RED, List.of(),
				List.of(), List.of(), Map.of(), Map.of(), Instant.EPOCH, Duration.ZERO, null, BigDecimal.ZERO,
				new UUID(0, 0), new Line("", 0, BigDecimal.ZERO), null, "");
	}

	/** A service using them, as {@link ProtoSchema} sees one. */
	static ProtoSchema schema() {
		return ProtoSchema.derive("Shapes", List.of(
				new ProtoSchema.MethodShape("Echo", Everything.class, Everything.class),
				new ProtoSchema.MethodShape("Grow", Tree.class, Tree.class)));
	}
}
