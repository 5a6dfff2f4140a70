package io.cleave.rpc.grpc;

import java.util.HashMap;
import java.util.Map;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;

/**
 * Writes a derived {@link FileDescriptorProto} back as {@code .proto} source, so that clients in other languages can
 * be generated from it with protoc. It covers what {@link ProtoSchema} produces (proto3, top-level messages and
 * enums, map entries, proto3 optional, unary methods), not protobuf's whole language.
 */
final class ProtoFileWriter {

	private ProtoFileWriter() {
	}

	static String write(FileDescriptorProto file, String comment) {
		StringBuilder proto = new StringBuilder();
		comment.lines().forEach(line -> proto.append("// ").append(line).append('\n'));
		proto.append("syntax = \"proto3\";\n\npackage ").append(file.getPackage()).append(";\n\n");
		file.getDependencyList().forEach(dependency -> proto.append("import \"").append(dependency).append("\";\n"));
		if (file.getDependencyCount() > 0) {
			proto.append('\n');
		}
		proto.append("option go_package = \"").append(file.getOptions().getGoPackage()).append("\";\n");
		proto.append("option java_multiple_files = true;\n");
		proto.append("option java_package = \"").append(file.getOptions().getJavaPackage()).append("\";\n");
		String scope = "." + file.getPackage() + ".";
		file.getServiceList().forEach(service -> {
			proto.append("\nservice ").append(service.getName()).append(" {\n");
			for (MethodDescriptorProto method : service.getMethodList()) {
				proto.append("  rpc ").append(method.getName()).append(" (").append(local(method.getInputType(), scope))
						.append(") returns (").append(local(method.getOutputType(), scope)).append(");\n");
			}
			proto.append("}\n");
		});
		for (DescriptorProto message : file.getMessageTypeList()) {
			proto.append("\nmessage ").append(message.getName()).append(" {\n");
			Map<String, DescriptorProto> entries = new HashMap<>();
			message.getNestedTypeList().stream().filter(nested -> nested.getOptions().getMapEntry())
					.forEach(entry -> entries.put(scope + message.getName() + "." + entry.getName(), entry));
			for (FieldDescriptorProto field : message.getFieldList()) {
				proto.append("  ");
				DescriptorProto entry = entries.get(field.getTypeName());
				if (entry != null) {
					proto.append("map<").append(type(entry.getField(0), scope)).append(", ")
							.append(type(entry.getField(1), scope)).append('>');
				}
				else {
					if (field.getLabel() == Label.LABEL_REPEATED) {
						proto.append("repeated ");
					}
					else if (field.getProto3Optional()) {
						proto.append("optional ");
					}
					proto.append(type(field, scope));
				}
				proto.append(' ').append(field.getName()).append(" = ").append(field.getNumber());
				if (field.hasJsonName()) {
					proto.append(" [json_name = \"").append(field.getJsonName()).append("\"]");
				}
				proto.append(";\n");
			}
			proto.append("}\n");
		}
		for (EnumDescriptorProto enumType : file.getEnumTypeList()) {
			proto.append("\nenum ").append(enumType.getName()).append(" {\n");
			for (EnumValueDescriptorProto value : enumType.getValueList()) {
				proto.append("  ").append(value.getName()).append(" = ").append(value.getNumber()).append(";\n");
			}
			proto.append("}\n");
		}
		return proto.toString();
	}

	private static String type(FieldDescriptorProto field, String scope) {
		return switch (field.getType()) {
			case TYPE_MESSAGE, TYPE_ENUM -> local(field.getTypeName(), scope);
			default -> field.getType().name().substring("TYPE_".length()).toLowerCase(java.util.Locale.ROOT);
		};
	}

	/** A type name relative to the file's package where it is in it ({@code Line}), else without the leading dot. */
	private static String local(String typeName, String scope) {
		return typeName.startsWith(scope) ? typeName.substring(scope.length()) : typeName.substring(1);
	}
}
