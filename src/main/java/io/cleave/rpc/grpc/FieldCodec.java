package io.cleave.rpc.grpc;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import org.jspecify.annotations.Nullable;

/**
 * One record component on the wire: its number, how many values it holds, the codec of those values and the
 * accessor that reads it (a method handle looked up once, so no reflection per call).
 */
final class FieldCodec {

	/** How a component maps onto a protobuf field. */
	enum Shape {
		/** A plain value without presence: proto3's default is not written and stands for an absent field. */
		SINGULAR,
		/** A {@code @Nullable} value: proto3 {@code optional}, null when absent. */
		NULLABLE,
		/** An {@code Optional<T>}: proto3 {@code optional}, empty when absent. */
		OPTIONAL,
		/** A {@code List<T>}: {@code repeated}, packed for numbers, booleans and enums. */
		REPEATED,
		/** A {@code Map<K, V>}: {@code map<K, V>}, entries with key 1 and value 2. */
		MAP
	}

	private static final int ENTRY_KEY_TAG_SIZE = 1;

	private static final int ENTRY_VALUE_TAG_SIZE = 1;

	final String name;

	final int number;

	final int index;

	final Shape shape;

	final ValueCodec value;

	final @Nullable ValueCodec key;

	private final MethodHandle accessor;

	private final int tag;

	private final int tagSize;

	private final boolean packed;

	FieldCodec(String name, int number, int index, Shape shape, ValueCodec value, @Nullable ValueCodec key,
			MethodHandle accessor) {
		this.name = name;
		this.number = number;
		this.index = index;
		this.shape = shape;
		this.value = value;
		this.key = key;
		this.accessor = accessor;
		this.packed = shape == Shape.REPEATED && value.packable();
		this.tag = ValueCodec.tag(number,
				packed || shape == Shape.MAP ? WireFormat.WIRETYPE_LENGTH_DELIMITED : value.wireType());
		this.tagSize = CodedOutputStream.computeUInt32SizeNoTag(tag);
	}

	private @Nullable Object get(Object record) {
		try {
			return (Object) accessor.invokeExact(record);
		}
		catch (RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new IllegalStateException(ex);
		}
	}

	int size(Object record) {
		Object field = get(record);
		if (field == null) {
			return 0;
		}
		return switch (shape) {
			case SINGULAR -> value.isDefault(field) ? 0 : tagSize + value.size(field);
			case NULLABLE -> tagSize + value.size(field);
			case OPTIONAL -> ((Optional<?>) field).map(present -> tagSize + value.size(present)).orElse(0);
			case REPEATED -> repeatedSize((List<?>) field);
			case MAP -> mapSize((Map<?, ?>) field);
		};
	}

	void write(CodedOutputStream out, Object record) throws IOException {
		Object field = get(record);
		if (field == null) {
			return;
		}
		switch (shape) {
			case SINGULAR -> {
				if (!value.isDefault(field)) {
					writeOne(out, field);
				}
			}
			case NULLABLE -> writeOne(out, field);
			case OPTIONAL -> {
				Optional<?> optional = (Optional<?>) field;
				if (optional.isPresent()) {
					writeOne(out, optional.get());
				}
			}
			case REPEATED -> writeRepeated(out, (List<?>) field);
			case MAP -> writeMap(out, (Map<?, ?>) field);
		}
	}

	private void writeOne(CodedOutputStream out, Object present) throws IOException {
		out.writeUInt32NoTag(tag);
		value.write(out, present);
	}

	private int repeatedSize(List<?> list) {
		if (list.isEmpty()) {
			return 0;
		}
		int size = 0;
		for (Object element : list) {
			size += value.size(element(element));
		}
		return packed ? tagSize + CodedOutputStream.computeUInt32SizeNoTag(size) + size : size + tagSize * list.size();
	}

	private void writeRepeated(CodedOutputStream out, List<?> list) throws IOException {
		if (list.isEmpty()) {
			return;
		}
		if (packed) {
			int size = 0;
			for (Object element : list) {
				size += value.size(element(element));
			}
			out.writeUInt32NoTag(tag);
			out.writeUInt32NoTag(size);
			for (Object element : list) {
				value.write(out, element);
			}
		}
		else {
			for (Object element : list) {
				writeOne(out, element(element));
			}
		}
	}

	private int entrySize(Object entryKey, Object entryValue) {
		return ENTRY_KEY_TAG_SIZE + nonNull(key).size(element(entryKey)) + ENTRY_VALUE_TAG_SIZE
				+ value.size(element(entryValue));
	}

	private int mapSize(Map<?, ?> map) {
		int size = 0;
		for (Map.Entry<?, ?> entry : map.entrySet()) {
			int entrySize = entrySize(entry.getKey(), entry.getValue());
			size += tagSize + CodedOutputStream.computeUInt32SizeNoTag(entrySize) + entrySize;
		}
		return size;
	}

	private void writeMap(CodedOutputStream out, Map<?, ?> map) throws IOException {
		ValueCodec keys = nonNull(key);
		for (Map.Entry<?, ?> entry : map.entrySet()) {
			out.writeUInt32NoTag(tag);
			out.writeUInt32NoTag(entrySize(entry.getKey(), entry.getValue()));
			out.writeUInt32NoTag(ValueCodec.tag(1, keys.wireType()));
			keys.write(out, entry.getKey());
			out.writeUInt32NoTag(ValueCodec.tag(2, value.wireType()));
			value.write(out, entry.getValue());
		}
	}

	/**
	 * Reads one occurrence of this field into {@code slots}: the last one wins for single values, repeated ones
	 * accumulate (packed or not, as protobuf requires parsers to accept both).
	 */
	@SuppressWarnings("unchecked")
	void read(CodedInputStream in, int wireType, @Nullable Object[] slots, int depth) throws IOException {
		switch (shape) {
			case SINGULAR, NULLABLE, OPTIONAL -> {
				expect(wireType, value.wireType());
				slots[index] = value.read(in, depth);
			}
			case REPEATED -> {
				List<Object> list = slots[index] instanceof ArrayList<?> existing ? (List<Object>) existing
						: new ArrayList<>();
				slots[index] = list;
				if (wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED && value.packable()) {
					int limit = in.pushLimit(in.readRawVarint32());
					while (in.getBytesUntilLimit() > 0) {
						list.add(value.read(in, depth));
					}
					in.popLimit(limit);
				}
				else {
					expect(wireType, value.wireType());
					list.add(value.read(in, depth));
				}
			}
			case MAP -> {
				expect(wireType, WireFormat.WIRETYPE_LENGTH_DELIMITED);
				Map<Object, Object> map = slots[index] instanceof LinkedHashMap<?, ?> existing
						? (Map<Object, Object>) existing : new LinkedHashMap<>();
				slots[index] = map;
				readEntry(in, map, depth);
			}
		}
	}

	private void readEntry(CodedInputStream in, Map<Object, Object> map, int depth) throws IOException {
		ValueCodec keys = nonNull(key);
		int limit = in.pushLimit(in.readRawVarint32());
		Object entryKey = keys.defaultValue();
		Object entryValue = null;
		int entryTag;
		while ((entryTag = in.readTag()) != 0) {
			int entryField = WireFormat.getTagFieldNumber(entryTag);
			if (entryField == 1) {
				expect(WireFormat.getTagWireType(entryTag), keys.wireType());
				entryKey = keys.read(in, depth);
			}
			else if (entryField == 2) {
				expect(WireFormat.getTagWireType(entryTag), value.wireType());
				entryValue = value.read(in, depth);
			}
			else {
				in.skipField(entryTag);
			}
		}
		in.popLimit(limit);
		map.put(entryKey, entryValue != null ? entryValue : value.defaultValue());
	}

	/** The value of an absent field. */
	Object absent(int depth) throws InvalidProtocolBufferException {
		return switch (shape) {
			case SINGULAR -> value instanceof RecordCodec.MessageValue message ? message.empty(depth)
					: value.defaultValue();
			case NULLABLE -> NULL;
			case OPTIONAL -> Optional.empty();
			case REPEATED -> List.of();
			case MAP -> Map.of();
		};
	}

	/** What {@link #read} left in a slot, as the record's component wants it. */
	@SuppressWarnings("unchecked")
	Object complete(Object slot) {
		return switch (shape) {
			case OPTIONAL -> slot instanceof Optional<?> ? slot : Optional.of(slot);
			case REPEATED -> slot instanceof ArrayList<?> list ? Collections.unmodifiableList(list) : slot;
			case MAP -> slot instanceof LinkedHashMap<?, ?> map ? Collections.unmodifiableMap(map) : slot;
			default -> slot;
		};
	}

	/** Stands for null in a slot, as a null slot means "not read yet". */
	static final Object NULL = new Object();

	private Object element(@Nullable Object element) {
		if (element == null) {
			throw new IllegalArgumentException("field '" + name + "' holds a null element, which protobuf cannot carry");
		}
		return element;
	}

	private void expect(int wireType, int expected) throws InvalidProtocolBufferException {
		if (wireType != expected) {
			throw new InvalidProtocolBufferException("field " + number + " ('" + name + "') has wire type " + wireType
					+ ", expected " + expected);
		}
	}

	private static ValueCodec nonNull(@Nullable ValueCodec codec) {
		if (codec == null) {
			throw new IllegalStateException("a map field without a key codec");
		}
		return codec;
	}
}
