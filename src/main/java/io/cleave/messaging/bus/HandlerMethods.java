package io.cleave.messaging.bus;

import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;

import io.cleave.messaging.MessageBus;
import io.cleave.messaging.MessageHandler;
import io.cleave.messaging.PatternHandler;
import io.cleave.messaging.TopicSubscriber;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotationSelectors;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.core.annotation.RepeatableContainers;
import org.springframework.stereotype.Component;
import org.springframework.util.ClassUtils;

import tools.jackson.databind.node.ObjectNode;

/**
 * Registers every {@link PatternHandler} and {@link TopicSubscriber} bean method with the bus once all singletons
 * exist (as Spring's {@code @EventListener} methods are found).
 */
final class HandlerMethods implements SmartInitializingSingleton {

	private static final List<Class<? extends Annotation>> ANNOTATIONS = List.of(PatternHandler.class,
			TopicSubscriber.class);

	private final ConfigurableListableBeanFactory beans;

	private final MessageBus bus;

	private final Messages messages;

	HandlerMethods(BeanFactory beans, MessageBus bus, Messages messages) {
		this.beans = (ConfigurableListableBeanFactory) beans;
		this.bus = bus;
		this.messages = messages;
	}

	@Override
	public void afterSingletonsInstantiated() {
		for (String name : beans.getBeanNamesForType(Object.class, false, false)) {
			Class<?> type = beans.getType(name);
			if (type == null || isSpringContainerClass(type)) {
				continue;
			}
			if (!AopUtils.isAopProxy(type) && !AnnotationUtils.isCandidateClass(type, ANNOTATIONS)) {
				continue; // a JDK type, which cannot declare Cleave's annotations: no need to walk its methods
			}
			Class<?> target = AopUtils.isAopProxy(type) ? AopUtils.getTargetClass(beans.getBean(name)) : type;
			// One walk over the methods for both annotations: this runs for every bean on every start.
			Map<Method, Declared> declared = MethodIntrospector.selectMethods(target,
					(MethodIntrospector.MetadataLookup<Declared>) Declared::on);
			if (declared.isEmpty()) {
				continue;
			}
			Object bean = beans.getBean(name);
			declared.forEach((method, annotations) -> {
				if (annotations.handler() != null) {
					bus.handle(annotations.handler().value(), handler(bean, method));
				}
				if (annotations.subscriber() != null) {
					bus.subscribe(annotations.subscriber().topic(), annotations.subscriber().queue(),
							handler(bean, method));
				}
			});
		}
	}

	/**
	 * Spring's own infrastructure beans (most of a context's beans) cannot carry Cleave's annotations; skipped as Spring
	 * skips them when it looks for {@code @EventListener} methods: unless they are components.
	 */
	private static boolean isSpringContainerClass(Class<?> type) {
		return type.getName().startsWith("org.springframework.")
				&& !AnnotatedElementUtils.isAnnotated(ClassUtils.getUserClass(type), Component.class);
	}

	/** A method's handler and subscriber annotations, either of which may be absent. */
	private record Declared(PatternHandler handler, TopicSubscriber subscriber) {

		/** As {@link AnnotatedElementUtils#findMergedAnnotation} finds each, in one search of the method's hierarchy. */
		static Declared on(Method method) {
			MergedAnnotations annotations = MergedAnnotations.from(method, SearchStrategy.TYPE_HIERARCHY,
					RepeatableContainers.none());
			PatternHandler handler = find(annotations, PatternHandler.class);
			TopicSubscriber subscriber = find(annotations, TopicSubscriber.class);
			return handler == null && subscriber == null ? null : new Declared(handler, subscriber);
		}

		private static <A extends Annotation> A find(MergedAnnotations annotations, Class<A> type) {
			return annotations.get(type, null, MergedAnnotationSelectors.firstDirectlyDeclared())
					.synthesize(MergedAnnotation::isPresent).orElse(null);
		}
	}

	private MessageHandler handler(Object bean, Method declared) {
		Method method = AopUtils.selectInvocableMethod(declared, bean.getClass());
		method.setAccessible(true);
		if (method.getParameterCount() > 1) {
			throw new IllegalStateException(
					method + " must take the message as its one parameter (or none) to be a message handler");
		}
		Class<?> parameter = method.getParameterCount() == 0 ? null : method.getParameterTypes()[0];
		return message -> {
			Object argument = parameter == null ? null
					: parameter.isAssignableFrom(ObjectNode.class) ? message
					: messages.convert(message, parameter);
			try {
				return parameter == null ? method.invoke(bean) : method.invoke(bean, argument);
			}
			catch (InvocationTargetException ex) {
				if (ex.getCause() instanceof Exception cause) {
					throw cause;
				}
				throw ex;
			}
		};
	}
}
