package io.cleave.rpc.wiring;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import io.cleave.rpc.RpcMethods;
import io.cleave.rpc.endpoint.MethodDescriptor;
import io.cleave.rpc.endpoint.ServiceCatalog;
import io.cleave.status.StatusException;

import org.jspecify.annotations.Nullable;

/** {@link RpcMethods} read from the service catalog; outlines are made once, on first use. */
final class CatalogRpcMethods implements RpcMethods {

	private final ServiceCatalog catalog;

	private volatile @Nullable List<Signature> all;

	CatalogRpcMethods(ServiceCatalog catalog) {
		this.catalog = catalog;
	}

	@Override
	public List<Signature> all() {
		List<Signature> signatures = all;
		if (signatures == null) {
			signatures = catalog.services().stream()
					.flatMap(service -> service.methods().stream())
					.map(CatalogRpcMethods::signature)
					.toList();
			all = signatures;
		}
		return signatures;
	}

	@Override
	public Optional<Signature> find(String service, String method) {
		MethodDescriptor found;
		try {
			found = catalog.method(service, method);
		}
		catch (StatusException unknown) {
			return Optional.empty();
		}
		return all().stream()
				.filter(signature -> signature.service().equals(found.service())
						&& signature.method().equals(found.name()))
				.findFirst();
	}

	private static Signature signature(MethodDescriptor method) {
		return new Signature(method.service(), method.name(), method.requestType(), method.responseType(),
				method.idempotent(), Arrays.asList(method.method().getExceptionTypes()));
	}
}
