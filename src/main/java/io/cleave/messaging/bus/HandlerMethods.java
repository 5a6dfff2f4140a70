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
			if (type == null) {
				continue;
			}
			if (!AopUtils.isAopProxy(type) && !AnnotationUtils.isCandidateClass(type, ANNOTATIONS)) {
				continue; // a JDK or Spring type, which cannot declare Cleave's annotations: no need to walk its methods
			}
			Class<?> target = AopUtils.isAopProxy(type) ? AopUtils.getTargetClass(beans.getBean(name)) : type;
			Map<Method, PatternHandler> handlers = MethodIntrospector.selectMethods(target,
					(MethodIntrospector.MetadataLookup<PatternHandler>) method -> AnnotatedElementUtils
							.findMergedAnnotation(method, PatternHandler.class));
			Map<Method, TopicSubscriber> subscribers = MethodIntrospector.selectMethods(target,
					(MethodIntrospector.MetadataLookup<TopicSubscriber>) method -> AnnotatedElementUtils
							.findMergedAnnotation(method, TopicSubscriber.class));
			if (handlers.isEmpty() && subscribers.isEmpty()) {
				continue;
			}
			Object bean = beans.getBean(name);
			handlers.forEach((method, annotation) -> bus.handle(annotation.value(), handler(bean, method)));
			subscribers.forEach((method, annotation) -> bus.subscribe(annotation.topic(), annotation.queue(),
					handler(bean, method)));
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
