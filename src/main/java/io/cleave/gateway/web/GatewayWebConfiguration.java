package io.cleave.gateway.web;

import java.util.List;

import io.cleave.gateway.GatewayProperties;
import io.cleave.registry.RegistryProperties;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.cloud.gateway.server.mvc.config.GatewayMvcProperties;
import org.springframework.cloud.gateway.server.mvc.filter.WeightCalculatorFilter;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.web.filter.RequestContextFilter;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.support.RouterFunctionMapping;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

@Configuration(proxyBeanMethods = false)
class GatewayWebConfiguration {

	/**
	 * Ahead of every other filter, so that no filter reads a body before its limit applies. The registry's REST API
	 * gets the registry's request limit ({@code cleave.registry.limits.request-size}, etcd's, the same on all its
	 * entrances) unless {@code cleave.gateway.body-limits} names it.
	 */
	@Bean
	FilterRegistrationBean<RequestBodyLimit> gatewayRequestBodyLimit(GatewayProperties properties,
			RegistryProperties registry) {
		FilterRegistrationBean<RequestBodyLimit> registration = new FilterRegistrationBean<>(
				new RequestBodyLimit(properties, List.of(new RequestBodyLimit.ModuleLimit("/registry/**",
						registry.limits().requestSize().toBytes(), "cleave.registry.limits.request-size"))));
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
		return registration;
	}

	/** Not in a node started without a web server (no Spring MVC there). */
	@Bean
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	GatewayHandlerMapping gatewayHandlerMapping(
			@Qualifier("requestMappingHandlerMapping") RequestMappingHandlerMapping mappings,
			ObjectProvider<RouterFunctionMapping> routers, ListableBeanFactory beans, Environment environment) {
		GatewayHandlerMapping mapping = new GatewayHandlerMapping(mappings);
		if (routers.getIfUnique() != null && !proxyRoutesMayExist(beans, environment)
				&& outsideTheRoutes(environment.getProperty(ACTUATOR_BASE_PATH, "/actuator"))) {
			// Ahead of every mapping: no router function can claim a request (asking them first cost every call a
			// ServerRequest to match), and the actuator's endpoints lie elsewhere (its mapping, order -100, failed
			// every call, then looked for a partial match to report).
			mapping.setOrder(Ordered.HIGHEST_PRECEDENCE);
		}
		return mapping;
	}

	/**
	 * Spring MVC's dispatcher servlet, answering plain RPC calls itself; Boot backs off its own for a bean of this
	 * name, so the settings Boot would apply are applied here.
	 */
	@Bean(name = DispatcherServletAutoConfiguration.DEFAULT_DISPATCHER_SERVLET_BEAN_NAME)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	GatewayDispatcherServlet dispatcherServlet(WebMvcProperties mvc) {
		GatewayDispatcherServlet dispatcher = new GatewayDispatcherServlet();
		dispatcher.setDispatchOptionsRequest(mvc.isDispatchOptionsRequest());
		dispatcher.setDispatchTraceRequest(mvc.isDispatchTraceRequest());
		dispatcher.setPublishEvents(mvc.isPublishRequestHandledEvents());
		dispatcher.setEnableLoggingRequestDetails(mvc.isLogRequestDetails());
		return dispatcher;
	}

	static final String ACTUATOR_BASE_PATH = "management.endpoints.web.base-path";

	/** Whether no path under the actuator's base path can be {@code /act} or {@code /api/{service}/{method}}. */
	static boolean outsideTheRoutes(String actuatorBasePath) {
		String base = actuatorBasePath.endsWith("/") ? actuatorBasePath.substring(0, actuatorBasePath.length() - 1)
				: actuatorBasePath;
		return !base.isEmpty() && !base.equals(GatewayRoutes.ACT_ROUTE) && !base.equals("/api")
				&& !base.startsWith("/api/");
	}

	/** Spring Cloud Gateway's bean holding the routes of its properties; a router function that is never empty. */
	static final String PROXY_ROUTES_BEAN = "gatewayCompositeRouterFunction";

	/**
	 * Whether a router function may claim a request: a proxy route in Spring Cloud Gateway's properties (read as
	 * its own route factory reads them), a router function bean of the application's, or routes that a refresh scope
	 * could bring in later.
	 */
	static boolean proxyRoutesMayExist(ListableBeanFactory beans, Environment environment) {
		GatewayMvcProperties routes = Binder.get(environment)
				.bindOrCreate(GatewayMvcProperties.PREFIX, GatewayMvcProperties.class);
		if (!routes.getRoutes().isEmpty() || !routes.getRoutesMap().isEmpty() || beans.containsBean("refreshScope")) {
			return true;
		}
		for (String name : beans.getBeanNamesForType(RouterFunction.class, true, false)) {
			if (!name.equals(PROXY_ROUTES_BEAN)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Spring Cloud Gateway's {@link WeightCalculatorFilter} draws a weight group for every request, for proxy routes
	 * with a {@code Weight} predicate: registered switched off while no proxy route can exist (0.6% of the edge's CPU
	 * per request, bench/gateway.sh, JFR). Also switched off when its own property turned the filter off.
	 */
	@Bean
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	FilterRegistrationBean<WeightCalculatorFilter> weightCalculatorFilterRegistration(
			ObjectProvider<WeightCalculatorFilter> weights, ListableBeanFactory beans, Environment environment) {
		WeightCalculatorFilter filter = weights.getIfAvailable();
		FilterRegistrationBean<WeightCalculatorFilter> registration = new FilterRegistrationBean<>(
				filter == null ? new WeightCalculatorFilter() : filter);
		registration.setOrder(registration.getFilter().getOrder());
		registration.setEnabled(filter != null && proxyRoutesMayExist(beans, environment));
		return registration;
	}

	/**
	 * Boot's {@link RequestContextFilter} binds each request to the thread for request-scoped beans in filters; no
	 * filter of the node uses one, and Spring MVC binds the request itself for everything it runs (controllers,
	 * exception handlers, the error page), so it is registered switched off: 1.1% of the edge's CPU per request
	 * (bench/gateway.sh, JFR). An application whose own filter needs request scope registers one again.
	 */
	@Bean
	FilterRegistrationBean<RequestContextFilter> requestContextFilterOff() {
		FilterRegistrationBean<RequestContextFilter> registration = new FilterRegistrationBean<>(
				new RequestContextFilter());
		registration.setEnabled(false);
		return registration;
	}

	@Bean
	FilterRegistrationBean<MediaTypeHeaders> gatewayMediaTypeHeaders() {
		FilterRegistrationBean<MediaTypeHeaders> registration = new FilterRegistrationBean<>(new MediaTypeHeaders());
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 11);
		return registration;
	}
}
