package io.cleave.rpc.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.cleave.rpc.ProtoField;
import io.cleave.rpc.grpc.Shapes.Colour;
import io.cleave.rpc.grpc.Shapes.Everything;
import io.cleave.rpc.grpc.Shapes.Line;
import io.cleave.rpc.grpc.Shapes.Tree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProtoSchemaTests {

	private static final ProtoSchema SCHEMA = Shapes.schema();

	private static final RecordCodec<Everything> CODEC = SCHEMA.codec(Everything.class);

	private static final Descriptor EVERYTHING = SCHEMA.file().findMessageTypeByName("Everything");

	@Test
	void recordsSurviveARoundTrip() throws Exception {
		for (Everything value : List.of(Shapes.everything(), Shapes.defaults())) {
			assertThat(CODEC.decode(CODEC.encode(value))).usingRecursiveComparison().isEqualTo(value);
		}
		Tree tree = new Tree("root", List.of(new Tree("a", List.of(new Tree("a1", List.of()))), new Tree("b", List.of())));
		RecordCodec<Tree> trees = SCHEMA.codec(Tree.class);
		assertThat(trees.decode(trees.encode(tree))).isEqualTo(tree);
	}

	@Test
	void protobufReadsWhatTheCodecWritesFieldByField() throws Exception {
		DynamicMessage message = DynamicMessage.parseFrom(EVERYTHING, CODEC.encode(Shapes.everything()));

		assertThat(message.getUnknownFields().asMap()).isEmpty();
		assertThat(value(message, "count")).isEqualTo(-42);
		assertThat(value(message, "text")).isEqualTo("héllo ✓");
		assertThat(value(message, "nickname")).isEqualTo("nick");
		assertThat(message.hasField(field("maybe"))).as("an Optional holding proto3's default is still present").isTrue();
		assertThat(message.hasField(field("deleted_at"))).isFalse();
		assertThat(message.hasField(field("other"))).isFalse();
		assertThat(((com.google.protobuf.Descriptors.EnumValueDescriptor) value(message, "colour")).getName())
				.isEqualTo("COLOUR_BLUE");
		assertThat(value(message, "amount")).isEqualTo("-12345678901234567890.000001");
		assertThat(value(message, "id")).isEqualTo("0b7f0e6c-3c66-4a0e-9d8c-6d2b1f1f3a10");
		Message at = (Message) value(message, "at");
		assertThat(at.getDescriptorForType().getFullName()).isEqualTo("google.protobuf.Timestamp");
		assertThat(at.getField(at.getDescriptorForType().findFieldByName("seconds")))
				.isEqualTo(Instant.parse("2026-11-29T20:15:30Z").getEpochSecond());
		Message took = (Message) value(message, "took");
		assertThat(took.getField(took.getDescriptorForType().findFieldByName("seconds"))).isEqualTo(-1L);
		assertThat(took.getField(took.getDescriptorForType().findFieldByName("nanos"))).isEqualTo(-500_000_000);
		Message firstLine = (Message) message.getRepeatedField(field("lines"), 0);
		assertThat(firstLine.getField(firstLine.getDescriptorForType().findFieldByName("price"))).isEqualTo("9.90");
		assertThat(message.getRepeatedFieldCount(field("by_name"))).isEqualTo(1);
		assertThat(message.getRepeatedFieldCount(field("colours"))).isEqualTo(2);
		assertThat(field("pinned").getNumber()).isEqualTo(100);
	}

	@Test
	void theCodecReadsWhatProtobufWrites() throws Exception {
		// protobuf's own writer: another field order, maps and packing of its choosing
		byte[] written = DynamicMessage.parseFrom(EVERYTHING, CODEC.encode(Shapes.everything())).toByteArray();

		assertThat(CODEC.decode(written)).usingRecursiveComparison().isEqualTo(Shapes.everything());
	}

	@Test
	void unpackedRepeatedNumbersAreAcceptedToo() throws Exception {
		byte[] unpacked = { 13 << 3, 5, 13 << 3, 6 }; // field 13 (numbers), varints 5 and 6, one tag each

		assertThat(CODEC.decode(unpacked).numbers()).containsExactly(5L, 6L);
	}

	@Test
	void fieldNumbersFollowDeclarationOrderUnlessPinned() {
		assertThat(EVERYTHING.getFields()).extracting(FieldDescriptor::getNumber)
				.startsWith(1, 2, 3, 4, 5)
				.endsWith(23, 100);
		assertThat(SCHEMA.file().findEnumTypeByName("Colour").getValues())
				.extracting(value -> value.getName() + "=" + value.getNumber())
				.containsExactly("COLOUR_RED=0", "COLOUR_GREEN=1", "COLOUR_BLUE=7");
	}

	record OrderV1(String id, int quantity) {
	}

	record OrderV2(String id, int quantity, String note) {
	}

	record OrderV3(@ProtoField(1) String id, @ProtoField(3) String note) {
	}

	@Test
	void addingAComponentAtTheEndOrPinningNumbersKeepsOldAndNewReadersCompatible() throws Exception {
		ProtoSchema schema = ProtoSchema.derive("Orders", List.of(
				new ProtoSchema.MethodShape("V1", OrderV1.class, OrderV2.class),
				new ProtoSchema.MethodShape("V3", OrderV3.class, OrderV3.class)));
		RecordCodec<OrderV1> v1 = schema.codec(OrderV1.class);
		RecordCodec<OrderV2> v2 = schema.codec(OrderV2.class);
		RecordCodec<OrderV3> v3 = schema.codec(OrderV3.class);

		assertThat(v2.decode(v1.encode(new OrderV1("o-1", 2)))).isEqualTo(new OrderV2("o-1", 2, ""));
		assertThat(v1.decode(v2.encode(new OrderV2("o-1", 2, "fragile")))).isEqualTo(new OrderV1("o-1", 2));
		assertThat(v3.decode(v2.encode(new OrderV2("o-1", 2, "fragile")))).isEqualTo(new OrderV3("o-1", "fragile"));
	}

	@Test
	void negativeDurationsKeepProtobufsSignRuleAndRoundTrip() throws Exception {
		for (Duration duration : List.of(Duration.ofNanos(-1), Duration.ofSeconds(-3, 250), Duration.ofSeconds(5, 1))) {
			Everything value = withDuration(duration);
			assertThat(CODEC.decode(CODEC.encode(value)).took()).isEqualTo(duration);
		}
	}

	@Test
	void malformedBytesAreRefusedAsInvalidProtocolBuffers() {
		assertThatExceptionOfType(InvalidProtocolBufferException.class)
				.isThrownBy(() -> CODEC.decode(new byte[] { 7 << 3 | 2, 10, 1 })); // a string cut short
		assertThatExceptionOfType(InvalidProtocolBufferException.class)
				.isThrownBy(() -> CODEC.decode(new byte[] { 11 << 3, 3 })) // colour 3 does not exist
				.withMessageContaining("3 is not a value of enum Colour");
		assertThatExceptionOfType(InvalidProtocolBufferException.class)
				.isThrownBy(() -> CODEC.decode(new byte[] { (byte) 0xA2, 0x01, 3, 'x', 'y', 'z' })) // amount "xyz"
				.withMessageContaining("'xyz' is not a BigDecimal");
	}

	record WithChar(char letter) {
	}

	record Clash(@ProtoField(2) String a, String b) {
	}

	record Nested(List<List<String>> rows) {
	}

	enum NoZero {
		@ProtoField(1) ONE
	}

	record WithNoZero(NoZero value) {
	}

	@Test
	void typesWithoutAMappingAreRefusedNamingTheComponent() {
		assertThatIllegalArgumentException().isThrownBy(() -> derive(WithChar.class))
				.withMessageContaining("WithChar.letter").withMessageContaining("char has no protobuf mapping");
		assertThatIllegalArgumentException().isThrownBy(() -> derive(Clash.class))
				.withMessageContaining("Clash.b: field number 2 is already used by 'a'");
		assertThatIllegalArgumentException().isThrownBy(() -> derive(Nested.class))
				.withMessageContaining("Nested.rows").withMessageContaining("wrap it in a record");
		assertThatIllegalArgumentException().isThrownBy(() -> derive(WithNoZero.class))
				.withMessageContaining("no constant numbered 0");
		assertThatIllegalArgumentException()
				.isThrownBy(() -> ProtoSchema.derive("S", List.of(new ProtoSchema.MethodShape("M", String.class, Line.class))))
				.withMessageContaining("S.M request: java.lang.String is not a record");
	}

	@Test
	void theExportedProtoFileCompilesWithProtocToTheSameDescriptor(@TempDir Path directory) throws Exception {
		Path source = directory.resolve(SCHEMA.fileName());
		Files.createDirectories(source.getParent());
		Files.writeString(source, ProtoFileWriter.write(SCHEMA.fileProto(), "test"));
		for (String dependency : SCHEMA.fileProto().getDependencyList()) { // protobuf-java ships the well-known ones
			Path copy = directory.resolve(dependency);
			Files.createDirectories(copy.getParent());
			try (var in = Message.class.getResourceAsStream("/" + dependency)) {
				Files.write(copy, in.readAllBytes());
			}
		}
		Path descriptorSet = directory.resolve("out.pb");

		Process protoc = new ProcessBuilder(protoc(), "--proto_path=" + directory, "--descriptor_set_out=" + descriptorSet,
				SCHEMA.fileName()).redirectErrorStream(true).start();
		String output = new String(protoc.getInputStream().readAllBytes());
		assertThat(protoc.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(protoc.exitValue()).as(output).isZero();

		FileDescriptorProto compiled = FileDescriptorSet.parseFrom(Files.readAllBytes(descriptorSet)).getFile(0);
		assertThat(withoutJsonNames(compiled)).isEqualTo(withoutJsonNames(SCHEMA.fileProto()));
		assertThat(compiled.getMessageTypeList().stream().filter(message -> message.getName().equals("Everything"))
				.flatMap(message -> message.getFieldList().stream()).map(FieldDescriptorProto::getJsonName))
				.as("JSON names are the records' component names").contains("deletedAt", "byName", "count");
	}

	private static FileDescriptorProto withoutJsonNames(FileDescriptorProto file) {
		FileDescriptorProto.Builder builder = file.toBuilder();
		builder.getMessageTypeBuilderList().forEach(message -> {
			message.getFieldBuilderList().forEach(FieldDescriptorProto.Builder::clearJsonName);
			message.getNestedTypeBuilderList()
					.forEach(entry -> entry.getFieldBuilderList().forEach(FieldDescriptorProto.Builder::clearJsonName));
		});
		return builder.build();
	}

	private static String protoc() throws IOException {
		String path = System.getProperty("cleave.protoc");
		Path protoc = Path.of(path == null ? "protoc-not-configured" : path);
		assertThat(protoc).as("protoc from Maven (surefire sets cleave.protoc)").exists();
		if (!Files.isExecutable(protoc)) {
			protoc.toFile().setExecutable(true);
		}
		return protoc.toString();
	}

	private static void derive(Class<?> type) {
		ProtoSchema.derive("Broken", List.of(new ProtoSchema.MethodShape("Call", type, type)));
	}

	private static Everything withDuration(Duration took) {
		Everything e = Shapes.defaults();
		return new Everything(e.count(), e.total(), e.active(), e.ratio(), e.score(), e.boxed(), e.text(), e.payload(),
				e.nickname(), e.maybe(), e.colour(), e.lines(), e.numbers(), e.tags(), e.byName(), Map.of(), e.at(),
				took, e.deletedAt(), e.amount(), e.id(), e.main(), e.other(), e.pinned());
	}

	private static FieldDescriptor field(String name) {
		return EVERYTHING.findFieldByName(name);
	}

	private static Object value(DynamicMessage message, String name) {
		return message.getField(field(name));
	}

}
