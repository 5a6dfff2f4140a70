package io.cleave;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.gateway.GatewayProperties;
import io.cleave.messaging.MessagingProperties;
import io.cleave.registry.RegistryProperties;
import io.cleave.rpc.RpcProperties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Bad settings stop the start with the failure report an operator reads, naming the property (for fields of
 * nested records Boot prints its relaxed camel-case spelling, {@code cleave.registry.etcdApi.port});
 * the documented defaults need no settings at all.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConfigurationValidationTests {

	@Test
	void startsWithTheDocumentedDefaultsWhenNothingIsSet() {
		try (var context = settingsOnly().run("--spring.config.location=optional:classpath:/nothing/")) {
			var cleave = context.getBean(CleaveProperties.class);
			assertThat(cleave.node().name()).isEqualTo("cleave-1");
			assertThat(cleave.transport().rpc()).isEqualTo(CleaveProperties.RpcTransport.INPROC);
			var registry = context.getBean(RegistryProperties.class);
			assertThat(registry.instanceTtl()).hasSeconds(10);
			assertThat(registry.endpoints()).isEmpty();
			assertThat(registry.etcdApi().address()).isEqualTo("127.0.0.1");
			assertThat(registry.etcdApi().port()).isEqualTo(2379);
			assertThat(registry.etcdApi().enabled()).isTrue();
			assertThat(registry.etcdApi().tls().enabled()).isFalse();
			assertThat(registry.limits()).as("etcd's defaults, and keys PostgreSQL can index")
					.isEqualTo(RegistryProperties.Limits.DEFAULTS);
		}
	}

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource(delimiter = '|', textBlock = """
			cleave.node.name                          | Orders_1       | cleave.node.name
			cleave.node.name                          | -orders        | cleave.node.name
			cleave.transport.rpc                      | carrier-pigeon | cleave.transport.rpc
			cleave.transport.events                   | smoke-signals  | cleave.transport.events
			cleave.registry.instance-ttl              | 0s             | cleave.registry.instance-ttl
			cleave.registry.etcd-api.port             | 70000          | cleave.registry.etcd-api.port
			cleave.registry.endpoints                 | http://[broken | cleave.registry.endpoints
			cleave.registry.store.poll-interval       | 1ms            | cleave.registry.store.pollInterval
			cleave.registry.store.history-retention   | -1             | cleave.registry.store.historyRetention
			cleave.registry.instance.weight           | -5             | cleave.registry.instance.weight
			cleave.registry.limits.txn-ops            | 0              | cleave.registry.limits.txnOps
			cleave.registry.limits.request-size       | 0B             | sizes must be positive
			cleave.registry.etcd-api.tls.cert-file    | /tmp/cert.pem  | needs both cert-file and key-file, or neither
			cleave.registry.etcd-api.address          | 0.0.0.0        | serves plaintext on a non-loopback address
			cleave.rpc.default-deadline               | 0ms            | cleave.rpc.default-deadline
			cleave.rpc.max-attempts                   | 0              | cleave.rpc.max-attempts
			cleave.messaging.redelivery.max-backoff   | 10ms           | max-backoff (PT0.01S) must not be shorter than initial-backoff (PT1S)
			cleave.gateway.max-request-size           | lots           | cleave.gateway.max-request-size
			cleave.gateway.request-timeout            | -1s            | cleave.gateway.request-timeout
			""")
	void rejectsABadValueNamingTheProperty(String property, String value, String explanation, CapturedOutput output) {
		assertThatThrownBy(() -> settingsOnly().run("--" + property + "=" + value)).isNotNull();

		assertThat(output.getAll())
				.contains("APPLICATION FAILED TO START")
				.containsAnyOf(explanation, relaxedForm(explanation))
				.doesNotContain("\tat "); // a report, not a stack trace
	}

	@Test
	void explainsABadValueWhenTheWholeApplicationStarts(CapturedOutput output) {
		var application = new SpringApplicationBuilder(CleaveApplication.class).web(WebApplicationType.NONE);

		assertThatThrownBy(() -> application.run("--cleave.node.name=Not A Label")).isNotNull();

		assertThat(output.getAll())
				.contains("APPLICATION FAILED TO START")
				.contains("Property: cleave.node.name")
				.contains("Value: \"Not A Label\"")
				.contains("must be a DNS label");
	}

	/** The camel-case spelling of a property name, which Boot prints for fields of nested records. */
	private static String relaxedForm(String property) {
		var words = property.split("-");
		var camel = new StringBuilder(words[0]);
		for (var i = 1; i < words.length; i++) {
			camel.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
		}
		return camel.toString();
	}

	private static SpringApplicationBuilder settingsOnly() {
		return new SpringApplicationBuilder(AllSettings.class).web(WebApplicationType.NONE).logStartupInfo(false);
	}

	/** Binds every settings record of the application, and nothing else. */
	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ ConfigurationPropertiesAutoConfiguration.class, ValidationAutoConfiguration.class })
	@Import(SettingsValidation.class)
	@EnableConfigurationProperties({ CleaveProperties.class, RegistryProperties.class, RpcProperties.class,
			MessagingProperties.class, GatewayProperties.class })
	static class AllSettings {
	}
}
