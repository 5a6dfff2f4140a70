package io.cleave.registry.internal;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Matches when {@code cleave.registry.endpoints} names an external etcd cluster to use instead of the store. */
public final class OnExternalEtcd implements Condition {

	@Override
	public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
		return OnEmbeddedStore.externalEtcd(context);
	}
}
