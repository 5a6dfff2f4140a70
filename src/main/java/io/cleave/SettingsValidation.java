package io.cleave;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.validation.MessageInterpolatorFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;
import org.springframework.validation.annotation.Validated;
import org.springframework.validation.beanvalidation.LocalValidatorFactoryBean;

/**
 * One Bean Validation factory checks every settings record of Cleave's ({@code @ConfigurationProperties} types under
 * {@code io.cleave}) when it is bound.
 */
@Configuration(proxyBeanMethods = false)
class SettingsValidation {

	/**
	 * Boot builds a Hibernate Validator factory of its own for each {@code @Validated} properties class (six of them:
	 * six bootstraps on the start's main thread). Under the bean name Boot's binder looks up, this one serves them
	 * all, built as Boot builds its own (the context's messages, Boot's interpolator), so the failure report reads
	 * the same. The records therefore carry their constraints without {@code @Validated}: with it Boot would add its
	 * own validator for that class, and this one stands aside. The binder needs it while bean post-processors are
	 * being registered, so it is infrastructure, as Boot's own validator beans are (no post-processing expected).
	 */
	@Bean(EnableConfigurationProperties.VALIDATOR_BEAN_NAME)
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static SettingsValidator configurationPropertiesValidator(ApplicationContext context) {
		return new SettingsValidator(context);
	}

	/** Validates Cleave's settings records with one shared factory. */
	static final class SettingsValidator implements Validator, DisposableBean {

		private final LocalValidatorFactoryBean factory = new LocalValidatorFactoryBean();

		SettingsValidator(ApplicationContext context) {
			factory.setApplicationContext(context);
			factory.setMessageInterpolator(new MessageInterpolatorFactory(context).getObject());
			factory.afterPropertiesSet();
		}

		@Override
		public boolean supports(Class<?> type) {
			return type.getPackageName().startsWith("io.cleave") && type.isAnnotationPresent(ConfigurationProperties.class)
					&& !type.isAnnotationPresent(Validated.class);
		}

		@Override
		public void validate(Object target, Errors errors) {
			factory.validate(target, errors);
		}

		@Override
		public void destroy() {
			factory.close();
		}
	}
}
