package io.cleave.rpc.grpc;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Serves each RPC service's {@code .proto} file, derived from its records, so that a client in any language can be
 * generated from it: {@code curl -O localhost:8080/rpc/proto/DB.proto && protoc --go_out=. DB.proto}.
 */
@RestController
@ConditionalOnProperty(name = "cleave.transport.rpc", havingValue = "grpc")
class ProtoFileController {

	private static final MediaType PROTO = new MediaType("text", "plain", java.nio.charset.StandardCharsets.UTF_8);

	private final GrpcMethods methods;

	ProtoFileController(GrpcMethods methods) {
		this.methods = methods;
	}

	/** The services and where their files are. */
	@GetMapping("/rpc/proto")
	Map<String, List<Map<String, String>>> index() {
		return Map.of("services", methods.schemas().values().stream()
				.map(schema -> Map.of("service", schema.serviceName(), "grpcService", schema.fullServiceName(),
						"proto", "/rpc/proto/" + schema.serviceName() + ".proto"))
				.toList());
	}

	@GetMapping("/rpc/proto/{service}.proto")
	ResponseEntity<?> file(@PathVariable String service) {
		ProtoSchema schema = methods.schemas().get(service);
		if (schema == null) {
			ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND,
					"no RPC service '" + service + "'; services: " + methods.schemas().keySet());
			problem.setInstance(URI.create("/rpc/proto/" + service + ".proto"));
			return ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.APPLICATION_PROBLEM_JSON)
					.body(problem);
		}
		String comment = "RPC service " + schema.serviceName() + ", derived by Cleave from its Java records.\n"
				+ "Field numbers: a component's @ProtoField number, else its position in the record (1, 2, ...).\n"
				+ "Save as " + schema.fileName() + " to keep the import path other files expect.";
		return ResponseEntity.ok().contentType(PROTO).body(ProtoFileWriter.write(schema.fileProto(), comment));
	}
}
