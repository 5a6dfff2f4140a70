package io.cleave.messaging.jooq;

import io.cleave.messaging.bus.Messages;

import org.jooq.DSLContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Messaging's stores, on the application's database. */
@Configuration(proxyBeanMethods = false)
class JooqMessagingConfiguration {

	@Bean
	JooqOutbox messagingOutbox(DSLContext dsl, Messages messages) {
		return new JooqOutbox(dsl, messages);
	}

	@Bean
	JooqProcessedMessages messagingProcessedMessages(DSLContext dsl) {
		return new JooqProcessedMessages(dsl);
	}

	@Bean
	JooqDeadLetterStore messagingDeadLetterStore(DSLContext dsl, Messages messages) {
		return new JooqDeadLetterStore(dsl, messages);
	}

	@Bean
	JooqQueueStates messagingQueueStates(DSLContext dsl) {
		return new JooqQueueStates(dsl);
	}
}
