package io.cleave.registry.internal;

import java.util.Optional;

import io.cleave.registry.Bytes;
import io.cleave.registry.KeyValue;
import io.cleave.registry.ServiceInstance;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Service instances as stored: JSON, so services written in any language — or {@code etcdctl put} — can register.
 * A key under the services prefix that does not hold a valid instance is skipped with a warning, never fatal.
 */
final class ServiceInstanceCodec {

	private static final Logger log = LoggerFactory.getLogger(ServiceInstanceCodec.class);

	private final JsonMapper json = JsonMapper.builder()
			.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.build();

	Bytes encode(ServiceInstance instance) {
		return Bytes.wrap(json.writeValueAsBytes(instance));
	}

	Optional<ServiceInstance> decode(KeyValue kv) {
		try {
			ServiceInstance instance = json.readValue(kv.value().unsafeArray(), ServiceInstance.class);
			if (!instance.key().equals(kv.key())) {
				log.warn("Ignoring {}: it holds instance {}/{}, which belongs under another key", kv.key(),
						instance.service(), instance.id());
				return Optional.empty();
			}
			return Optional.of(instance);
		}
		catch (RuntimeException ex) { // malformed JSON (JacksonException) or an invalid instance (RegistryException)
			log.warn("Ignoring {}: not a valid service instance ({})", kv.key(), ex.getMessage());
			return Optional.empty();
		}
	}
}
