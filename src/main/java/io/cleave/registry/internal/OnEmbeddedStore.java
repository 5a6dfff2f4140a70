package io.cleave.registry.internal;

import java.net.URI;
import java.util.List;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when {@code cleave.registry.endpoints} is empty: this node hosts the registry in its own store. Bound
 * like the properties themselves, so a YAML list and a comma-separated string count alike.
 */
public final class OnEmbeddedStore implements Condition {

	@Override
	public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
		return !externalEtcd(context);
	}

	static boolean externalEtcd(ConditionContext context) {
		return !Binder.get(context.getEnvironment())
				.bind("cleave.registry.endpoints", Bindable.listOf(URI.class))
				.orElse(List.of())
				.isEmpty();
	}
}
