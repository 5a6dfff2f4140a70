package io.cleave.messaging.inproc;

import io.cleave.messaging.bus.LocalQueues;
import io.cleave.messaging.transport.MessageTransport;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The default messaging transport, {@code cleave.transport.messaging=inproc}. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "cleave.transport.messaging", havingValue = "inproc", matchIfMissing = true)
class InProcessTransportConfiguration {

	@Bean
	MessageTransport inProcessMessageTransport(LocalQueues queues) {
		return new InProcessMessageTransport(queues);
	}
}
