package io.cleave.messaging.bus;

import java.time.Clock;
import java.time.Duration;

import io.cleave.CleaveProperties;
import io.cleave.messaging.DeadLetters;
import io.cleave.messaging.MessagingProperties;
import io.cleave.messaging.routing.PatternTable;
import io.cleave.messaging.transport.MessageTransport;
import io.cleave.registry.RegistryProperties;
import io.cleave.registry.ServiceRegistry;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import tools.jackson.databind.json.JsonMapper;

/** The bus, its queues and the relay between the outbox and the transport. */
@Configuration(proxyBeanMethods = false)
class BusConfiguration {

	@Bean
	Messages messagingMessages(JsonMapper mapper) {
		return new Messages(mapper);
	}

	@Bean
	LocalQueues messagingLocalQueues() {
		return new LocalQueues();
	}

	/** Consumers and retry timers run on virtual threads: a blocked handler costs no platform thread. */
	@Bean
	SimpleAsyncTaskScheduler messagingConsumerExecutor() {
		var executor = new SimpleAsyncTaskScheduler();
		executor.setVirtualThreads(true);
		executor.setThreadNamePrefix("cleave-messaging-");
		return executor;
	}

	@Bean
	Relay messagingRelay(Outbox outbox, MessageTransport transport, LocalQueues queues, CleaveProperties cleave,
			MessagingProperties properties) {
		return new Relay(outbox, transport, queues, cleave.node().name(), properties.queue().buffer(),
				properties.queue().pollInterval());
	}

	@Bean
	DurableMessageBus messageBus(Messages messages, MessageTransport transport, Outbox outbox, Relay relay,
			LocalQueues queues, QueueStates states, PatternTable table, ProcessedMessages processed,
			DeadLetterStore deadLetters,
			SimpleAsyncTaskScheduler messagingConsumerExecutor, PlatformTransactionManager transactions,
			MeterRegistry meters, ObjectProvider<ObservationRegistry> observations, MessagingProperties properties) {
		var services = new LocalQueue.Services(messages, properties, new TransactionTemplate(transactions), processed,
				deadLetters, outbox, messagingConsumerExecutor, messagingConsumerExecutor, meters,
				new MessageTracing(observations.getIfAvailable(() -> ObservationRegistry.NOOP)));
		return new DurableMessageBus(messages, transport, outbox, relay, queues, states, table, services, properties);
	}

	@Bean
	PeriodicTask messagingProcessedMessagesPurge(ProcessedMessages processed,
			SimpleAsyncTaskScheduler messagingConsumerExecutor, MessagingProperties properties) {
		var purge = new ProcessedMessagesPurge(processed, properties.processed().retention(), Clock.systemUTC());
		return new PeriodicTask("forget old processed message ids", messagingConsumerExecutor,
				properties.processed().purgeInterval(), purge::purge);
	}

	/** Checked twice per instance TTL, so a gone node's claims are released at most 1.5 TTLs after it went. */
	@Bean
	PeriodicTask messagingAbandonedClaims(Outbox outbox, ServiceRegistry registry, Relay relay,
			CleaveProperties cleave, RegistryProperties registryProperties,
			SimpleAsyncTaskScheduler messagingConsumerExecutor) {
		Duration ttl = registryProperties.instanceTtl();
		var claims = new AbandonedClaims(outbox, registry, relay, cleave.node().name(), ttl, System::nanoTime);
		return new PeriodicTask("check for messages claimed by nodes that are gone", messagingConsumerExecutor,
				ttl.dividedBy(2), claims::check);
	}

	@Bean
	DeadLetters deadLetters(DeadLetterStore store, Relay relay) {
		return new StoredDeadLetters(store, relay);
	}

	@Bean
	HandlerMethods messagingHandlerMethods(BeanFactory beans, DurableMessageBus bus, Messages messages) {
		return new HandlerMethods(beans, bus, messages);
	}

	@Bean
	MeterBinder messagingDeadLetterMetrics(DeadLetterStore store) {
		return registry -> Gauge.builder("cleave.messaging.dead.letters", store, DeadLetterStore::count)
				.description("Dead letters waiting for an operator to resubmit or discard them")
				.register(registry);
	}
}
