package io.cleave.rpc.wiring;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cleave.rpc.RpcService;

import org.springframework.aot.AotDetector;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionBuilder;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.type.classreading.MetadataReaderFactory;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

/**
 * Finds the {@link RpcService} interfaces under the application's packages and registers, for each, the client proxy
 * as the primary bean of that type: injecting the interface gets the proxy (and its endpoint chain), never the
 * implementation, whether the service runs in this JVM or on another node.
 */
final class RpcServiceScanner implements BeanDefinitionRegistryPostProcessor, EnvironmentAware {

	/** Suffix of the proxies' bean names, which are the interface names plus this. */
	static final String PROXY_SUFFIX = "#rpcClient";

	/** The name of Boot's metadata reader cache, which component scanning uses (its holder is not public). */
	private static final String SHARED_METADATA_READERS =
			"org.springframework.boot.autoconfigure.internalCachingMetadataReaderFactory";

	private Environment environment = new StandardEnvironment();

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
		if (AotDetector.useGeneratedArtifacts()) {
			// Spring AOT ran this scan at build time: its definitions are among the generated ones already.
			return;
		}
		Map<Class<?>, String> modules = scan((BeanFactory) registry);
		// Plain definitions (constructor arguments, a static factory method), no instance suppliers: Spring AOT
		// turns these into code, so an AOT-processed start skips the scan.
		registry.registerBeanDefinition(ServiceTypes.class.getName(), BeanDefinitionBuilder
				.genericBeanDefinition(ServiceTypes.class)
				.addConstructorArgValue(modules)
				.getBeanDefinition());
		modules.keySet().forEach(type -> registry.registerBeanDefinition(type.getName() + PROXY_SUFFIX, proxyDefinition(type)));
	}

	private static RootBeanDefinition proxyDefinition(Class<?> type) {
		RootBeanDefinition definition = new RootBeanDefinition(RpcServiceScanner.class);
		definition.setFactoryMethodName("proxy");
		definition.getConstructorArgumentValues().addIndexedArgumentValue(0, type);
		definition.setAutowireMode(AbstractBeanDefinition.AUTOWIRE_CONSTRUCTOR); // the clients, by type
		definition.setTargetType(type);
		definition.setPrimary(true);
		definition.setRole(BeanDefinition.ROLE_INFRASTRUCTURE);
		return definition;
	}

	/** The client proxy of one service interface: the factory method of the proxies' definitions. */
	static <T> T proxy(Class<T> type, RpcClients clients) {
		return clients.proxy(type);
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
	}

	/** Every {@code @RpcService} interface, with the module it belongs to. */
	private Map<Class<?>, String> scan(BeanFactory beans) {
		List<String> roots = AutoConfigurationPackages.has(beans) ? AutoConfigurationPackages.get(beans) : List.of();
		ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false,
				environment) {
			@Override
			protected boolean isCandidateComponent(AnnotatedBeanDefinition definition) {
				// Interfaces too, unlike component scanning; top-level ones only, as a module's API declares them.
				return definition.getMetadata().isIndependent() && !definition.getMetadata().hasEnclosingClass();
			}
		};
		scanner.addIncludeFilter(new AnnotationTypeFilter(RpcService.class, true, false));
		// Component scanning has just read these very class files: Boot's shared reader cache keeps what it read, so
		// this second pass over the packages costs a directory listing, not another parse of every class.
		if (beans.containsBean(SHARED_METADATA_READERS)) {
			scanner.setMetadataReaderFactory(beans.getBean(SHARED_METADATA_READERS, MetadataReaderFactory.class));
		}
		Map<Class<?>, String> modules = new LinkedHashMap<>();
		for (String root : roots) {
			for (BeanDefinition candidate : scanner.findCandidateComponents(root)) {
				Class<?> type = ClassUtils.resolveClassName(candidate.getBeanClassName(), ClassUtils.getDefaultClassLoader());
				modules.putIfAbsent(type, moduleOf(type, roots));
			}
		}
		return modules;
	}

	/** The package of {@code type} relative to the application's root package: Spring Modulith's module name. */
	static String moduleOf(Class<?> type, List<String> roots) {
		String pkg = type.getPackageName();
		List<String> enclosing = new ArrayList<>(roots.stream().filter(root -> pkg.startsWith(root + ".")).toList());
		return enclosing.isEmpty() ? pkg : pkg.substring(enclosing.getFirst().length() + 1);
	}

	/** The service interfaces found, handed from the scan to the beans that describe them. */
	record ServiceTypes(Map<Class<?>, String> modules) {
	}
}
