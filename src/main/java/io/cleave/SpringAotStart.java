package io.cleave;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.ResourceProvider;

import org.springframework.aot.AotDetector;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NativeDetector;

/**
 * What a start from Spring AOT's generated code on a JVM ({@code bin/cleave}'s Spring AOT mode) needs beyond what
 * Spring Boot prepares for native images.
 */
@Configuration(proxyBeanMethods = false)
class SpringAotStart {

	/**
	 * Boot's AOT code gives Flyway a resource provider that lists the configured locations' migrations once, up front
	 * (a native image cannot scan its class path). Spring Modulith's migration strategy copies that configuration with
	 * one location per module, provider included, so every module's run would see every module's migrations ("more
	 * than one migration with version 1"). A JVM can scan: without the provider, Flyway scans each module's location
	 * itself, as it does in a start without AOT.
	 */
	@Bean
	static BeanPostProcessor flywayScansItsLocations() {
		return new BeanPostProcessor() {
			@Override
			public Object postProcessBeforeInitialization(Object bean, String beanName) {
				if (bean instanceof Flyway flyway && AotDetector.useGeneratedArtifacts() && !NativeDetector.inNativeImage()
						&& isNativeImageProvider(flyway.getConfiguration().getResourceProvider())) {
					return Flyway.configure(flyway.getConfiguration().getClassLoader())
						.configuration(flyway.getConfiguration())
						.resourceProvider(null)
						.load();
				}
				return bean;
			}
		};
	}

	private static boolean isNativeImageProvider(ResourceProvider provider) {
		// Boot's NativeImageResourceProvider is package-private: recognised by name, so a provider of the
		// deployment's own stays.
		return provider != null && provider.getClass().getName().startsWith("org.springframework.boot.")
				&& provider.getClass().getSimpleName().equals("NativeImageResourceProvider");
	}
}
