package io.cleave.rpc.grpc;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import org.jspecify.annotations.Nullable;

/**
 * Encodes one record type as a protobuf message and decodes it back, straight from and into the record (no
 * intermediate message object): component accessors and the canonical constructor are method handles looked up
 * once. Unknown fields are skipped, so older readers accept newer writers.
 *
 * @param <T> the record type
 */
final class RecordCodec<T> {

	/** How deep messages may nest on the wire, as protobuf's own parsers limit it. */
	static final int MAX_DEPTH = 100;

	private final Class<T> type;

	private final MethodHandle constructor;

	private final int components;

	private FieldCodec[] fields = new FieldCodec[0];

	private @Nullable FieldCodec[] byNumber = new FieldCodec[0];

	RecordCodec(Class<T> type, MethodHandle constructor, int components) {
		this.type = type;
		this.components = components;
		this.constructor = constructor.asSpreader(Object[].class, components)
				.asType(MethodType.methodType(Object.class, Object[].class));
	}

	/** Sets the fields once they are all derived (a record may refer to itself, so this comes after construction). */
	void fields(List<FieldCodec> derived) {
		this.fields = derived.stream().sorted(Comparator.comparingInt(field -> field.number)).toArray(FieldCodec[]::new);
		int highest = Arrays.stream(fields).mapToInt(field -> field.number).max().orElse(0);
		this.byNumber = new FieldCodec[highest + 1];
		for (FieldCodec field : fields) {
			byNumber[field.number] = field;
		}
	}

	Class<T> type() {
		return type;
	}

	List<FieldCodec> fieldList() {
		return List.of(fields);
	}

	byte[] encode(T value) {
		byte[] bytes = new byte[bodySize(value)];
		CodedOutputStream out = CodedOutputStream.newInstance(bytes);
		try {
			writeBody(out, value);
			out.checkNoSpaceLeft();
		}
		catch (IOException ex) {
			throw new IllegalStateException("could not encode a " + type.getName(), ex);
		}
		return bytes;
	}

	T decode(byte[] bytes) throws InvalidProtocolBufferException {
		return decode(CodedInputStream.newInstance(bytes));
	}

	T decode(CodedInputStream in) throws InvalidProtocolBufferException {
		try {
			return type.cast(readBody(in, 0));
		}
		catch (InvalidProtocolBufferException ex) {
			throw ex;
		}
		catch (IOException ex) {
			throw new InvalidProtocolBufferException(ex);
		}
	}

	int bodySize(Object value) {
		int size = 0;
		for (FieldCodec field : fields) {
			size += field.size(value);
		}
		return size;
	}

	void writeBody(CodedOutputStream out, Object value) throws IOException {
		for (FieldCodec field : fields) {
			field.write(out, value);
		}
	}

	Object readBody(CodedInputStream in, int depth) throws IOException {
		if (depth > MAX_DEPTH) {
			throw new InvalidProtocolBufferException("messages nest deeper than " + MAX_DEPTH);
		}
		@Nullable Object[] slots = new Object[components];
		int tag;
		while ((tag = in.readTag()) != 0) {
			int number = WireFormat.getTagFieldNumber(tag);
			FieldCodec field = number < byNumber.length ? byNumber[number] : null;
			if (field == null) {
				in.skipField(tag);
			}
			else {
				field.read(in, WireFormat.getTagWireType(tag), slots, depth);
			}
		}
		return construct(slots, depth);
	}

	/** The record an empty message stands for: every component at its absent value. */
	Object empty(int depth) throws InvalidProtocolBufferException {
		if (depth > MAX_DEPTH) {
			throw new InvalidProtocolBufferException("a non-null field of recursive type " + type.getSimpleName()
					+ " is absent: declare it @Nullable or Optional");
		}
		return construct(new Object[components], depth);
	}

	private Object construct(@Nullable Object[] slots, int depth) throws InvalidProtocolBufferException {
		for (FieldCodec field : fields) {
			Object slot = slots[field.index];
			slots[field.index] = slot == null ? field.absent(depth + 1) : field.complete(slot);
			if (slots[field.index] == FieldCodec.NULL) {
				slots[field.index] = null;
			}
		}
		try {
			return (Object) constructor.invokeExact(slots);
		}
		catch (RuntimeException ex) { // the record's own validation in its compact constructor
			throw new InvalidProtocolBufferException(type.getSimpleName() + ": " + ex.getMessage());
		}
		catch (Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A record as the value of a field: a length-delimited message. */
	static final class MessageValue extends ValueCodec {

		final RecordCodec<?> codec;

		private String typeName = "";

		MessageValue(RecordCodec<?> codec) {
			this.codec = codec;
		}

		void typeName(String fullName) {
			this.typeName = fullName;
		}

		@Override
		Type type() {
			return Type.TYPE_MESSAGE;
		}

		@Override
		String typeName() {
			return typeName;
		}

		@Override
		int wireType() {
			return WireFormat.WIRETYPE_LENGTH_DELIMITED;
		}

		@Override
		int size(Object value) {
			int body = codec.bodySize(value);
			return CodedOutputStream.computeUInt32SizeNoTag(body) + body;
		}

		@Override
		void write(CodedOutputStream out, Object value) throws IOException {
			out.writeUInt32NoTag(codec.bodySize(value));
			codec.writeBody(out, value);
		}

		@Override
		Object read(CodedInputStream in, int depth) throws IOException {
			int limit = in.pushLimit(in.readRawVarint32());
			Object value = codec.readBody(in, depth + 1);
			in.popLimit(limit);
			return value;
		}

		Object empty(int depth) throws InvalidProtocolBufferException {
			return codec.empty(depth);
		}

		@Override
		Object defaultValue() {
			throw new UnsupportedOperationException("a message's default is built per call (see empty)");
		}

		@Override
		boolean isDefault(Object value) {
			return false; // a message field that is set is written, even when all its fields are defaults
		}
	}

	/** A Java enum as a protobuf enum: each constant's number is its ordinal, or its {@code @ProtoField}. */
	static final class EnumValue extends ValueCodec {

		private final Class<?> type;

		private final int[] numbers;

		private final Object[] constants;

		private final Object zero;

		private String typeName = "";

		EnumValue(Class<?> type, int[] numbers) {
			this.type = type;
			this.numbers = numbers;
			this.constants = type.getEnumConstants();
			Object zeroConstant = null;
			for (int i = 0; i < numbers.length; i++) {
				if (numbers[i] == 0) {
					zeroConstant = constants[i];
				}
			}
			if (zeroConstant == null) {
				throw new IllegalArgumentException("enum " + type.getName() + " has no constant numbered 0, which proto3"
						+ " needs as its default: number one constant @ProtoField(0)");
			}
			this.zero = zeroConstant;
		}

		void typeName(String fullName) {
			this.typeName = fullName;
		}

		int number(Object constant) {
			return numbers[((Enum<?>) constant).ordinal()];
		}

		List<Object> constants() {
			return List.of(constants);
		}

		@Override
		Type type() {
			return Type.TYPE_ENUM;
		}

		@Override
		String typeName() {
			return typeName;
		}

		@Override
		int wireType() {
			return WireFormat.WIRETYPE_VARINT;
		}

		@Override
		int size(Object value) {
			return CodedOutputStream.computeInt32SizeNoTag(number(value));
		}

		@Override
		void write(CodedOutputStream out, Object value) throws IOException {
			out.writeInt32NoTag(number(value));
		}

		@Override
		Object read(CodedInputStream in, int depth) throws IOException {
			int number = in.readInt32();
			for (int i = 0; i < numbers.length; i++) {
				if (numbers[i] == number) {
					return constants[i];
				}
			}
			throw new InvalidProtocolBufferException(number + " is not a value of enum " + type.getSimpleName());
		}

		@Override
		Object defaultValue() {
			return zero;
		}

		@Override
		boolean isDefault(Object value) {
			return value == zero;
		}
	}
}
