package io.cleave.rpc.wiring;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.cleave.rpc.RpcMethods;
import io.cleave.rpc.endpoint.MethodDescriptor;
import io.cleave.rpc.endpoint.ServiceCatalog;

/**
 * {@link RpcMethods} read from the service catalog; outlines are made once, when first asked for. The gateway looks a
 * method up on every {@code /api/{service}/{method}} request (its metrics' tags): a map lookup, not a search.
 */
final class CatalogRpcMethods implements RpcMethods {

	private final ServiceCatalog catalog;

	private final Map<MethodDescriptor, Signature> signatures = new IdentityHashMap<>();

	private final List<Signature> all;

	CatalogRpcMethods(ServiceCatalog catalog) {
		this.catalog = catalog;
		catalog.services().forEach(service -> service.methods()
				.forEach(method -> signatures.put(method, signature(method))));
		this.all = catalog.services().stream()
				.flatMap(service -> service.methods().stream())
				.map(signatures::get)
				.toList();
	}

	@Override
	public List<Signature> all() {
		return all;
	}

	@Override
	public Optional<Signature> find(String service, String method) {
		return catalog.findMethod(service, method).map(signatures::get);
	}

	private static Signature signature(MethodDescriptor method) {
		return new Signature(method.service(), method.name(), method.requestType(), method.responseType(),
				method.idempotent(), Arrays.asList(method.method().getExceptionTypes()));
	}
}
