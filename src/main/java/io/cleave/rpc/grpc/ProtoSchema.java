package io.cleave.rpc.grpc;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileOptions;
import com.google.protobuf.DescriptorProtos.MessageOptions;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.OneofDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.DurationProto;
import com.google.protobuf.TimestampProto;
import io.cleave.rpc.ProtoField;
import org.jspecify.annotations.Nullable;

/**
 * The protobuf form of one RPC service, derived from its Java records: a {@code .proto} file descriptor (package
 * {@code cleave.<service in lower case>}, one message per record, one enum per Java enum, the service with its
 * methods) and a {@link RecordCodec} per record.
 * <p>
 * Mapping: {@code int}/{@code long}/{@code boolean}/{@code float}/{@code double} and their boxes, {@code String},
 * {@code byte[]} as the scalar of the same name ({@code int32}, {@code int64}, …, {@code bytes}); records as
 * messages; enums as enums whose values are prefixed with the enum's name in upper snake case ({@code COLOR_RED});
 * {@code List<T>} as {@code repeated}; {@code Map<K, V>} as {@code map<K, V>} (keys: string, integers, boolean);
 * {@code Optional<T>} and {@code @Nullable} components as proto3 {@code optional}; {@code Instant} and
 * {@code Duration} as {@code google.protobuf.Timestamp} and {@code Duration}; {@code BigDecimal},
 * {@code BigInteger} and {@code UUID} as strings. Field names are the component names in snake case. Field numbers
 * follow {@link ProtoField}'s rule.
 */
final class ProtoSchema {

	private static final Set<Class<?>> MAP_KEYS = Set.of(String.class, Integer.class, int.class, Long.class,
			long.class, Boolean.class, boolean.class);

	private static final int MAX_FIELD_NUMBER = 536_870_911;

	private final String service;

	private final String protoPackage;

	private final Map<Class<?>, RecordCodec.MessageValue> messages = new LinkedHashMap<>();

	private final Map<Class<?>, RecordCodec.EnumValue> enums = new LinkedHashMap<>();

	private final Map<Class<?>, String> names = new HashMap<>();

	private final List<MethodShape> methods;

	private final FileDescriptorProto fileProto;

	private final FileDescriptor file;

	/** One method of a service: its name and its request and response records. */
	record MethodShape(String name, Class<?> request, Class<?> response) {
	}

	private ProtoSchema(String service, List<MethodShape> methods) {
		this.service = service;
		this.protoPackage = "cleave." + service.toLowerCase(Locale.ROOT);
		this.methods = List.copyOf(methods);
		for (MethodShape method : methods) {
			String where = service + "." + method.name();
			message(method.request(), where + " request");
			message(method.response(), where + " response");
		}
		assignNames();
		this.fileProto = buildFileProto();
		try {
			this.file = FileDescriptor.buildFrom(fileProto,
					new FileDescriptor[] { TimestampProto.getDescriptor(), DurationProto.getDescriptor() });
		}
		catch (DescriptorValidationException ex) {
			throw new IllegalArgumentException("service " + service + " has no valid protobuf form: " + ex.getMessage(),
					ex);
		}
	}

	/**
	 * Derives the protobuf form of {@code service}.
	 *
	 * @throws IllegalArgumentException naming the record and component, if a type has no protobuf mapping or two
	 *     components share a number
	 */
	static ProtoSchema derive(String service, List<MethodShape> methods) {
		return new ProtoSchema(service, methods);
	}

	String serviceName() {
		return service;
	}

	/** The gRPC service name: the proto package and the service, {@code cleave.db.DB}. */
	String fullServiceName() {
		return protoPackage + "." + service;
	}

	String fileName() {
		return "cleave/" + service.toLowerCase(Locale.ROOT) + ".proto";
	}

	FileDescriptorProto fileProto() {
		return fileProto;
	}

	FileDescriptor file() {
		return file;
	}

	ServiceDescriptor serviceDescriptor() {
		return file.findServiceByName(service);
	}

	@SuppressWarnings("unchecked")
	<T> RecordCodec<T> codec(Class<T> type) {
		RecordCodec.MessageValue message = messages.get(type);
		if (message == null) {
			throw new IllegalArgumentException(type.getName() + " is not a message of service " + service);
		}
		return (RecordCodec<T>) message.codec;
	}

	// Deriving codecs

	private RecordCodec.MessageValue message(Class<?> type, String where) {
		RecordCodec.MessageValue known = messages.get(type);
		if (known != null) {
			return known;
		}
		if (!type.isRecord()) {
			throw new IllegalArgumentException(where + ": " + type.getName() + " is not a record; requests, responses"
					+ " and nested messages must be records");
		}
		RecordComponent[] components = type.getRecordComponents();
		RecordCodec<?> codec = new RecordCodec<>(type, canonicalConstructor(type, components), components.length);
		RecordCodec.MessageValue message = new RecordCodec.MessageValue(codec);
		messages.put(type, message); // before the components: a record may contain itself
		List<FieldCodec> fields = new ArrayList<>();
		Map<Integer, String> numbers = new HashMap<>();
		for (int index = 0; index < components.length; index++) {
			RecordComponent component = components[index];
			String at = type.getSimpleName() + "." + component.getName();
			int number = number(component, index + 1, at);
			String previous = numbers.putIfAbsent(number, component.getName());
			if (previous != null) {
				throw new IllegalArgumentException(at + ": field number " + number + " is already used by '" + previous
						+ "'; give one of them another @ProtoField number");
			}
			fields.add(field(component, number, index, at));
		}
		codec.fields(fields);
		return message;
	}

	private FieldCodec field(RecordComponent component, int number, int index, String at) {
		MethodHandle accessor = accessor(component);
		Type generic = component.getGenericType();
		Class<?> raw = component.getType();
		if (raw == Optional.class) {
			return new FieldCodec(component.getName(), number, index, FieldCodec.Shape.OPTIONAL,
					value(typeArgument(generic, 0, at), at), null, accessor);
		}
		if (raw == List.class) {
			return new FieldCodec(component.getName(), number, index, FieldCodec.Shape.REPEATED,
					value(typeArgument(generic, 0, at), at), null, accessor);
		}
		if (raw == Map.class) {
			Type key = typeArgument(generic, 0, at);
			if (!(key instanceof Class<?> keyClass) || !MAP_KEYS.contains(keyClass)) {
				throw new IllegalArgumentException(at + ": map keys must be String, Integer, Long or Boolean, not "
						+ key.getTypeName());
			}
			return new FieldCodec(component.getName(), number, index, FieldCodec.Shape.MAP,
					value(typeArgument(generic, 1, at), at), value(keyClass, at), accessor);
		}
		FieldCodec.Shape shape = isNullable(component) && !raw.isPrimitive() ? FieldCodec.Shape.NULLABLE
				: FieldCodec.Shape.SINGULAR;
		return new FieldCodec(component.getName(), number, index, shape, value(generic, at), null, accessor);
	}

	private ValueCodec value(Type type, String at) {
		if (!(type instanceof Class<?> raw)) {
			throw new IllegalArgumentException(at + ": " + type.getTypeName() + " has no protobuf mapping; a list,"
					+ " map or optional may hold scalars, strings, enums, records, Instant or Duration, not another"
					+ " container (wrap it in a record)");
		}
		ValueCodec scalar = ValueCodec.scalar(raw);
		if (scalar != null) {
			return scalar;
		}
		if (raw.isEnum()) {
			return enums.computeIfAbsent(raw, ProtoSchema::enumValue);
		}
		if (raw.isRecord()) {
			return message(raw, at);
		}
		throw new IllegalArgumentException(at + ": " + raw.getName() + " has no protobuf mapping (supported: int, long,"
				+ " boolean, float, double and their boxes, String, byte[], BigDecimal, BigInteger, UUID, Instant,"
				+ " Duration, enums, records, List, Map, Optional)");
	}

	private static RecordCodec.EnumValue enumValue(Class<?> type) {
		Object[] constants = type.getEnumConstants();
		int[] numbers = new int[constants.length];
		Map<Integer, String> seen = new HashMap<>();
		for (int i = 0; i < constants.length; i++) {
			String name = ((Enum<?>) constants[i]).name();
			ProtoField pinned;
			try {
				pinned = type.getField(name).getAnnotation(ProtoField.class);
			}
			catch (NoSuchFieldException ex) {
				throw new IllegalStateException(ex);
			}
			numbers[i] = pinned != null ? pinned.value() : i;
			String previous = seen.putIfAbsent(numbers[i], name);
			if (previous != null) {
				throw new IllegalArgumentException("enum " + type.getName() + ": " + name + " and " + previous
						+ " share the number " + numbers[i]);
			}
		}
		return new RecordCodec.EnumValue(type, numbers);
	}

	private static int number(RecordComponent component, int position, String at) {
		ProtoField pinned = component.getAnnotation(ProtoField.class);
		int number = pinned != null ? pinned.value() : position;
		if (number < 1 || number > MAX_FIELD_NUMBER || (number >= 19_000 && number <= 19_999)) {
			throw new IllegalArgumentException(at + ": field number " + number + " is not allowed (1 to " + MAX_FIELD_NUMBER
					+ ", outside 19000-19999)");
		}
		return number;
	}

	/** Nullable if annotated with any annotation named {@code Nullable}: JSpecify's type use, or a declaration one. */
	private static boolean isNullable(RecordComponent component) {
		return hasNullable(component.getAnnotatedType()) || hasNullable(component);
	}

	private static boolean hasNullable(AnnotatedElement element) {
		return Arrays.stream(element.getAnnotations())
				.anyMatch(annotation -> annotation.annotationType().getSimpleName().equals("Nullable"));
	}

	private static Type typeArgument(Type generic, int index, String at) {
		if (generic instanceof ParameterizedType parameterized) {
			return parameterized.getActualTypeArguments()[index];
		}
		throw new IllegalArgumentException(at + ": a raw " + generic.getTypeName() + " has no protobuf mapping;"
				+ " give its type arguments");
	}

	private static MethodHandle accessor(RecordComponent component) {
		Method method = component.getAccessor();
		try {
			method.setAccessible(true);
			return MethodHandles.lookup().unreflect(method).asType(MethodType.methodType(Object.class, Object.class));
		}
		catch (IllegalAccessException | RuntimeException ex) {
			throw new IllegalArgumentException("cannot read " + component.getDeclaringRecord().getName() + "."
					+ component.getName() + ": " + ex.getMessage(), ex);
		}
	}

	private static MethodHandle canonicalConstructor(Class<?> type, RecordComponent[] components) {
		Class<?>[] parameters = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
		try {
			Constructor<?> constructor = type.getDeclaredConstructor(parameters);
			constructor.setAccessible(true);
			return MethodHandles.lookup().unreflectConstructor(constructor);
		}
		catch (NoSuchMethodException | IllegalAccessException | RuntimeException ex) {
			throw new IllegalArgumentException("cannot construct " + type.getName() + ": " + ex.getMessage(), ex);
		}
	}

	// Naming

	/** Simple names; where two types share one, each gets the names of the classes enclosing it as well. */
	private void assignNames() {
		List<Class<?>> types = new ArrayList<>(messages.keySet());
		types.addAll(enums.keySet());
		Map<String, List<Class<?>>> bySimpleName = new LinkedHashMap<>();
		types.forEach(type -> bySimpleName.computeIfAbsent(type.getSimpleName(), name -> new ArrayList<>()).add(type));
		Set<String> taken = new LinkedHashSet<>();
		for (Class<?> type : types) {
			String name = bySimpleName.get(type.getSimpleName()).size() == 1 ? type.getSimpleName() : qualifiedName(type);
			if (!taken.add(name) || name.equals(service)) {
				throw new IllegalArgumentException("service " + service + ": two of its types (or a type and the service)"
						+ " are both named " + name + " in protobuf; rename one");
			}
			names.put(type, name);
		}
		messages.forEach((type, message) -> message.typeName("." + protoPackage + "." + names.get(type)));
		enums.forEach((type, value) -> value.typeName("." + protoPackage + "." + names.get(type)));
	}

	private static String qualifiedName(Class<?> type) {
		StringBuilder name = new StringBuilder(type.getSimpleName());
		for (Class<?> outer = type.getEnclosingClass(); outer != null; outer = outer.getEnclosingClass()) {
			name.insert(0, outer.getSimpleName() + "_");
		}
		return name.toString();
	}

	// Descriptors

	private FileDescriptorProto buildFileProto() {
		FileDescriptorProto.Builder file = FileDescriptorProto.newBuilder()
				.setName(fileName())
				.setPackage(protoPackage)
				.setSyntax("proto3")
				.setOptions(FileOptions.newBuilder()
						.setGoPackage("cleave/gen/" + service.toLowerCase(Locale.ROOT) + ";"
								+ service.toLowerCase(Locale.ROOT) + "pb")
						.setJavaMultipleFiles(true)
						.setJavaPackage("io.cleave.gen." + service.toLowerCase(Locale.ROOT)));
		Set<String> imports = new TreeSet<>();
		messages.forEach((type, message) -> file.addMessageType(describe(type, message.codec, imports)));
		enums.forEach((type, value) -> file.addEnumType(describe(type, value)));
		imports.forEach(file::addDependency);
		ServiceDescriptorProto.Builder serviceProto = ServiceDescriptorProto.newBuilder().setName(service);
		for (MethodShape method : methods) {
			serviceProto.addMethod(MethodDescriptorProto.newBuilder()
					.setName(method.name())
					.setInputType(messages.get(method.request()).typeName())
					.setOutputType(messages.get(method.response()).typeName()));
		}
		return file.addService(serviceProto).build();
	}

	private DescriptorProto describe(Class<?> type, RecordCodec<?> codec, Set<String> imports) {
		DescriptorProto.Builder message = DescriptorProto.newBuilder().setName(names.get(type));
		List<FieldCodec> fields = new ArrayList<>(codec.fieldList());
		fields.sort(Comparator.comparingInt(field -> field.index)); // declaration order reads best
		for (FieldCodec field : fields) {
			FieldDescriptorProto.Builder proto = FieldDescriptorProto.newBuilder()
					.setName(snakeCase(field.name))
					.setNumber(field.number);
			String defaultJsonName = jsonName(snakeCase(field.name));
			if (!defaultJsonName.equals(field.name)) {
				proto.setJsonName(field.name);
			}
			switch (field.shape) {
				case SINGULAR -> typed(proto.setLabel(Label.LABEL_OPTIONAL), field.value, imports);
				case NULLABLE, OPTIONAL -> {
					typed(proto.setLabel(Label.LABEL_OPTIONAL), field.value, imports);
					if (!field.value.isMessage()) { // messages have presence anyway
						proto.setProto3Optional(true).setOneofIndex(message.getOneofDeclCount());
						message.addOneofDecl(OneofDescriptorProto.newBuilder().setName("_" + snakeCase(field.name)));
					}
				}
				case REPEATED -> typed(proto.setLabel(Label.LABEL_REPEATED), field.value, imports);
				case MAP -> {
					String entry = entryName(snakeCase(field.name));
					DescriptorProto.Builder entryProto = DescriptorProto.newBuilder().setName(entry)
							.setOptions(MessageOptions.newBuilder().setMapEntry(true));
					FieldDescriptorProto.Builder key = FieldDescriptorProto.newBuilder().setName("key").setNumber(1)
							.setLabel(Label.LABEL_OPTIONAL).setJsonName("key");
					FieldDescriptorProto.Builder value = FieldDescriptorProto.newBuilder().setName("value").setNumber(2)
							.setLabel(Label.LABEL_OPTIONAL).setJsonName("value");
					typed(key, field.key != null ? field.key : field.value, imports);
					typed(value, field.value, imports);
					message.addNestedType(entryProto.addField(key).addField(value));
					proto.setLabel(Label.LABEL_REPEATED).setType(FieldDescriptorProto.Type.TYPE_MESSAGE)
							.setTypeName("." + protoPackage + "." + names.get(type) + "." + entry);
				}
			}
			message.addField(proto);
		}
		// proto3 wants synthetic oneofs after the fields that refer to them, which holds as they are the only ones
		return message.build();
	}

	private static void typed(FieldDescriptorProto.Builder proto, ValueCodec value, Set<String> imports) {
		proto.setType(value.type());
		String typeName = value.typeName();
		if (typeName != null) {
			proto.setTypeName(typeName);
			if (typeName.equals(".google.protobuf.Timestamp")) {
				imports.add(TimestampProto.getDescriptor().getName());
			}
			else if (typeName.equals(".google.protobuf.Duration")) {
				imports.add(DurationProto.getDescriptor().getName());
			}
		}
	}

	private EnumDescriptorProto describe(Class<?> type, RecordCodec.EnumValue value) {
		String prefix = snakeCase(names.get(type)).toUpperCase(Locale.ROOT) + "_";
		EnumDescriptorProto.Builder proto = EnumDescriptorProto.newBuilder().setName(names.get(type));
		value.constants().stream()
				.sorted(Comparator.comparingInt(value::number)) // proto3: the first value is the 0 one
				.forEach(constant -> proto.addValue(EnumValueDescriptorProto.newBuilder()
						.setName(prefix + snakeCase(((Enum<?>) constant).name()).toUpperCase(Locale.ROOT))
						.setNumber(value.number(constant))));
		return proto.build();
	}

	/** {@code orderId} → {@code order_id}, {@code httpURL} → {@code http_url}, {@code URLPath} → {@code url_path}. */
	static String snakeCase(String name) {
		StringBuilder snake = new StringBuilder(name.length() + 4);
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			if (Character.isUpperCase(c) && i > 0) {
				char before = name.charAt(i - 1);
				boolean nextIsLower = i + 1 < name.length() && Character.isLowerCase(name.charAt(i + 1));
				if (Character.isLowerCase(before) || Character.isDigit(before)
						|| (Character.isUpperCase(before) && nextIsLower)) {
					snake.append('_');
				}
			}
			snake.append(Character.toLowerCase(c));
		}
		return snake.toString();
	}

	/** protoc's default JSON name: underscores dropped, the letter after each one upper-cased. */
	static String jsonName(String fieldName) {
		StringBuilder json = new StringBuilder(fieldName.length());
		boolean upper = false;
		for (char c : fieldName.toCharArray()) {
			if (c == '_') {
				upper = true;
			}
			else {
				json.append(upper ? Character.toUpperCase(c) : c);
				upper = false;
			}
		}
		return json.toString();
	}

	/** protoc's name for a map field's entry message: the field name in camel case, capitalised, plus "Entry". */
	private static String entryName(String fieldName) {
		String camel = jsonName(fieldName);
		return Character.toUpperCase(camel.charAt(0)) + camel.substring(1) + "Entry";
	}
}
