package io.cleave.rpc.wiring;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.cleave.rpc.InvalidRequestException;
import io.cleave.rpc.RpcInvoker;
import io.cleave.rpc.endpoint.MethodDescriptor;
import io.cleave.rpc.endpoint.ServiceCatalog;
import io.cleave.rpc.endpoint.ServiceDescriptor;

import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Calls by name with JSON: reads the request record from JSON, calls through the same transport a proxy would use,
 * and writes the response record back as JSON.
 */
final class JsonRpcInvoker implements RpcInvoker {

	/** Jackson names types in backquotes with their package; a caller needs only the simple name. */
	private static final Pattern QUALIFIED_TYPE = Pattern.compile("`(?:[\\w$]+\\.)+([\\w$]+)`");

	private final RpcClients clients;

	private final ServiceCatalog catalog;

	private final JsonMapper json;

	private final Map<MethodDescriptor, Codec> codecs = new ConcurrentHashMap<>();

	JsonRpcInvoker(RpcClients clients, JsonMapper json) {
		this.clients = clients;
		this.catalog = clients.catalog();
		// As in protobuf, a field left out takes its type's default (0, false), also for primitives.
		this.json = json.rebuild()
				.disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
				.addModule(new RecordConstructors())
				.build();
	}

	@Override
	public String invoke(String service, String method, String jsonRequest, Duration timeout) {
		MethodDescriptor rpc = catalog.method(service, method);
		Codec codec = codecs.get(rpc);
		if (codec == null) { // made on a method's first call: start-up builds no (de)serializers it may never need
			codec = codecs.computeIfAbsent(rpc, first -> new Codec(catalog.serviceOf(first),
					json.readerFor(first.requestType()), json.writerFor(first.responseType())));
		}
		Object request = read(codec.request(), jsonRequest.isBlank() ? "{}" : jsonRequest);
		Object response = clients.transportFor(codec.service()).invoke(rpc, request, clients.newContext(timeout));
		return codec.response().writeValueAsString(response);
	}

	private static Object read(ObjectReader reader, String body) {
		Object request;
		try {
			request = reader.readValue(body);
		}
		catch (StreamReadException malformed) {
			throw new InvalidRequestException("", "malformed JSON"
					+ (malformed.getLocation() == null ? "" : " at line " + malformed.getLocation().getLineNr()
							+ ", column " + malformed.getLocation().getColumnNr())
					+ ": " + simpleNames(malformed.getOriginalMessage()));
		}
		catch (JacksonException unreadable) {
			throw new InvalidRequestException(path(unreadable), simpleNames(unreadable.getOriginalMessage()));
		}
		if (request == null) {
			throw new InvalidRequestException("", "the request must be a JSON object, found null");
		}
		return request;
	}

	/** {@code items[0].sku}: the path Jackson was reading when it failed. */
	private static String path(JacksonException failure) {
		return failure.getPath().stream()
				.map(reference -> reference.getPropertyName() != null ? "." + reference.getPropertyName()
						: "[" + reference.getIndex() + "]")
				.collect(Collectors.joining())
				.replaceFirst("^\\.", "");
	}

	private static String simpleNames(String message) {
		return QUALIFIED_TYPE.matcher(message).replaceAll("`$1`");
	}

	/**
	 * What a method's JSON is read and written with, made once: a reader and a writer bound to its records (Jackson
	 * finds their (de)serializers when they are made, not by type on every call), and the service it belongs to.
	 */
	private record Codec(ServiceDescriptor service, ObjectReader request, ObjectWriter response) {
	}
}
