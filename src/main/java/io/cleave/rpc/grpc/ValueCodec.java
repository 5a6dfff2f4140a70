package io.cleave.rpc.grpc;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import org.jspecify.annotations.Nullable;

/**
 * How values of one Java type travel as protobuf values (without their tag): the scalar types, strings, bytes,
 * enums, records and the well-known Timestamp and Duration. {@link BigDecimal}, {@link BigInteger} and {@link UUID}
 * travel as strings ({@code toString()}: a BigDecimal keeps its exact value and scale, possibly in scientific
 * notation such as {@code 1E+3}).
 */
abstract class ValueCodec {

	/** The protobuf type of a field holding such values. */
	abstract Type type();

	/** The fully qualified name of the message or enum type, for those two kinds. */
	@Nullable String typeName() {
		return null;
	}

	abstract int wireType();

	abstract int size(Object value);

	abstract void write(CodedOutputStream out, Object value) throws IOException;

	abstract Object read(CodedInputStream in, int depth) throws IOException;

	/** The value an absent field stands for (proto3's default). */
	abstract Object defaultValue();

	/** Whether {@code value} is proto3's default, which a field without presence does not write. */
	boolean isDefault(Object value) {
		return value.equals(defaultValue());
	}

	boolean packable() {
		return wireType() != WireFormat.WIRETYPE_LENGTH_DELIMITED;
	}

	boolean isMessage() {
		return type() == Type.TYPE_MESSAGE;
	}

	static final ValueCodec INT32 = new ValueCodec() {
		Type type() { return Type.TYPE_INT32; }
		int wireType() { return WireFormat.WIRETYPE_VARINT; }
		int size(Object value) { return CodedOutputStream.computeInt32SizeNoTag((Integer) value); }
		void write(CodedOutputStream out, Object value) throws IOException { out.writeInt32NoTag((Integer) value); }
		Object read(CodedInputStream in, int depth) throws IOException { return in.readInt32(); }
		Object defaultValue() { return 0; }
	};

	static final ValueCodec INT64 = new ValueCodec() {
		Type type() { return Type.TYPE_INT64; }
		int wireType() { return WireFormat.WIRETYPE_VARINT; }
		int size(Object value) { return CodedOutputStream.computeInt64SizeNoTag((Long) value); }
		void write(CodedOutputStream out, Object value) throws IOException { out.writeInt64NoTag((Long) value); }
		Object read(CodedInputStream in, int depth) throws IOException { return in.readInt64(); }
		Object defaultValue() { return 0L; }
	};

	static final ValueCodec BOOL = new ValueCodec() {
		Type type() { return Type.TYPE_BOOL; }
		int wireType() { return WireFormat.WIRETYPE_VARINT; }
		int size(Object value) { return 1; }
		void write(CodedOutputStream out, Object value) throws IOException { out.writeBoolNoTag((Boolean) value); }
		Object read(CodedInputStream in, int depth) throws IOException { return in.readBool(); }
		Object defaultValue() { return false; }
	};

	static final ValueCodec FLOAT = new ValueCodec() {
		Type type() { return Type.TYPE_FLOAT; }
		int wireType() { return WireFormat.WIRETYPE_FIXED32; }
		int size(Object value) { return 4; }
		void write(CodedOutputStream out, Object value) throws IOException { out.writeFloatNoTag((Float) value); }
		Object read(CodedInputStream in, int depth) throws IOException { return in.readFloat(); }
		Object defaultValue() { return 0f; }
		// -0.0 is not proto3's default: it must be written (Float.equals tells the two zeros apart)
	};

	static final ValueCodec DOUBLE = new ValueCodec() {
		Type type() { return Type.TYPE_DOUBLE; }
		int wireType() { return WireFormat.WIRETYPE_FIXED64; }
		int size(Object value) { return 8; }
		void write(CodedOutputStream out, Object value) throws IOException { out.writeDoubleNoTag((Double) value); }
		Object read(CodedInputStream in, int depth) throws IOException { return in.readDouble(); }
		Object defaultValue() { return 0d; }
	};

	static final ValueCodec STRING = new ValueCodec() {
		Type type() { return Type.TYPE_STRING; }
		int wireType() { return WireFormat.WIRETYPE_LENGTH_DELIMITED; }
		int size(Object value) { return CodedOutputStream.computeStringSizeNoTag((String) value); }
		void write(CodedOutputStream out, Object value) throws IOException { out.writeStringNoTag((String) value); }
		Object read(CodedInputStream in, int depth) throws IOException { return in.readStringRequireUtf8(); }
		Object defaultValue() { return ""; }
		boolean isDefault(Object value) { return ((String) value).isEmpty(); }
	};

	static final ValueCodec BYTES = new ValueCodec() {
		Type type() { return Type.TYPE_BYTES; }
		int wireType() { return WireFormat.WIRETYPE_LENGTH_DELIMITED; }
		int size(Object value) { return CodedOutputStream.computeByteArraySizeNoTag((byte[]) value); }
		void write(CodedOutputStream out, Object value) throws IOException { out.writeByteArrayNoTag((byte[]) value); }
		Object read(CodedInputStream in, int depth) throws IOException { return in.readByteArray(); }
		Object defaultValue() { return new byte[0]; }
		boolean isDefault(Object value) { return ((byte[]) value).length == 0; }
	};

	static final ValueCodec BIG_DECIMAL = textual(BigDecimal.class, BigDecimal::new, BigDecimal.ZERO);

	static final ValueCodec BIG_INTEGER = textual(BigInteger.class, BigInteger::new, BigInteger.ZERO);

	static final ValueCodec UUID_STRING = textual(UUID.class, UUID::fromString, new UUID(0, 0));

	static final ValueCodec TIMESTAMP = new WellKnown(".google.protobuf.Timestamp", Instant.EPOCH) {
		long seconds(Object value) { return ((Instant) value).getEpochSecond(); }
		int nanos(Object value) { return ((Instant) value).getNano(); }
		Object of(long seconds, int nanos) { return Instant.ofEpochSecond(seconds, nanos); }
	};

	static final ValueCodec DURATION = new WellKnown(".google.protobuf.Duration", Duration.ZERO) {
		// protobuf wants seconds and nanos of the same sign; Java keeps nanos in [0, 1e9) and borrows a second
		long seconds(Object value) {
			Duration duration = (Duration) value;
			return duration.isNegative() && duration.getNano() > 0 ? duration.getSeconds() + 1 : duration.getSeconds();
		}
		int nanos(Object value) {
			Duration duration = (Duration) value;
			return duration.isNegative() && duration.getNano() > 0 ? duration.getNano() - 1_000_000_000 : duration.getNano();
		}
		Object of(long seconds, int nanos) { return Duration.ofSeconds(seconds, nanos); }
	};

	/** A field's tag: its number and wire type (protobuf keeps its own helper package-private). */
	static int tag(int number, int wireType) {
		return number << 3 | wireType;
	}

	/** The codec of the scalar-like Java types, or null for records, enums and types without a mapping. */
	static @Nullable ValueCodec scalar(Class<?> type) {
		return SCALARS.get(type);
	}

	private static final Map<Class<?>, ValueCodec> SCALARS = Map.ofEntries(
			Map.entry(int.class, INT32), Map.entry(Integer.class, INT32),
			Map.entry(long.class, INT64), Map.entry(Long.class, INT64),
			Map.entry(boolean.class, BOOL), Map.entry(Boolean.class, BOOL),
			Map.entry(float.class, FLOAT), Map.entry(Float.class, FLOAT),
			Map.entry(double.class, DOUBLE), Map.entry(Double.class, DOUBLE),
			Map.entry(String.class, STRING), Map.entry(byte[].class, BYTES),
			Map.entry(BigDecimal.class, BIG_DECIMAL), Map.entry(BigInteger.class, BIG_INTEGER),
			Map.entry(UUID.class, UUID_STRING),
			Map.entry(Instant.class, TIMESTAMP), Map.entry(Duration.class, DURATION));

	private static <T> ValueCodec textual(Class<T> type, Function<String, T> parse, T defaultValue) {
		return new ValueCodec() {
			Type type() { return Type.TYPE_STRING; }
			int wireType() { return WireFormat.WIRETYPE_LENGTH_DELIMITED; }
			int size(Object value) { return CodedOutputStream.computeStringSizeNoTag(value.toString()); }
			void write(CodedOutputStream out, Object value) throws IOException { out.writeStringNoTag(value.toString()); }
			Object read(CodedInputStream in, int depth) throws IOException {
				String text = in.readStringRequireUtf8();
				if (text.isEmpty()) {
					return defaultValue;
				}
				try {
					return parse.apply(text);
				}
				catch (IllegalArgumentException ex) { // NumberFormatException included
					throw new InvalidProtocolBufferException("'" + text + "' is not a " + type.getSimpleName());
				}
			}
			Object defaultValue() { return defaultValue; }
			boolean isDefault(Object value) { return false; } // "0.00" is not "", so always write what was given
		};
	}

	/** Timestamp and Duration: {@code int64 seconds = 1; int32 nanos = 2;}. */
	private abstract static class WellKnown extends ValueCodec {

		private static final int SECONDS = ValueCodec.tag(1, WireFormat.WIRETYPE_VARINT);

		private static final int NANOS = ValueCodec.tag(2, WireFormat.WIRETYPE_VARINT);

		private final String typeName;

		private final Object defaultValue;

		WellKnown(String typeName, Object defaultValue) {
			this.typeName = typeName;
			this.defaultValue = defaultValue;
		}

		abstract long seconds(Object value);

		abstract int nanos(Object value);

		abstract Object of(long seconds, int nanos);

		Type type() { return Type.TYPE_MESSAGE; }
		String typeName() { return typeName; }
		int wireType() { return WireFormat.WIRETYPE_LENGTH_DELIMITED; }
		Object defaultValue() { return defaultValue; }
		boolean isDefault(Object value) { return false; } // a message field that is set is written, even if empty

		private int bodySize(Object value) {
			long seconds = seconds(value);
			int nanos = nanos(value);
			return (seconds == 0 ? 0 : 1 + CodedOutputStream.computeInt64SizeNoTag(seconds))
					+ (nanos == 0 ? 0 : 1 + CodedOutputStream.computeInt32SizeNoTag(nanos));
		}

		int size(Object value) {
			int body = bodySize(value);
			return CodedOutputStream.computeUInt32SizeNoTag(body) + body;
		}

		void write(CodedOutputStream out, Object value) throws IOException {
			out.writeUInt32NoTag(bodySize(value));
			long seconds = seconds(value);
			int nanos = nanos(value);
			if (seconds != 0) {
				out.writeInt64(1, seconds);
			}
			if (nanos != 0) {
				out.writeInt32(2, nanos);
			}
		}

		Object read(CodedInputStream in, int depth) throws IOException {
			int limit = in.pushLimit(in.readRawVarint32());
			long seconds = 0;
			int nanos = 0;
			int tag;
			while ((tag = in.readTag()) != 0) {
				if (tag == SECONDS) {
					seconds = in.readInt64();
				}
				else if (tag == NANOS) {
					nanos = in.readInt32();
				}
				else {
					in.skipField(tag);
				}
			}
			in.popLimit(limit);
			try {
				return of(seconds, nanos);
			}
			catch (RuntimeException ex) { // DateTimeException, ArithmeticException
				throw new InvalidProtocolBufferException(typeName.substring(1) + " out of range: " + ex.getMessage());
			}
		}
	}
}
