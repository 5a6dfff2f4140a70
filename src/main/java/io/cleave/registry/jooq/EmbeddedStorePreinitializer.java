package io.cleave.registry.jooq;

import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

import org.springframework.boot.autoconfigure.preinitialize.BackgroundPreinitializer;

/**
 * Spring Boot's background pre-initialization (its {@code background-preinit} thread, started once the environment is
 * ready) extended to the two libraries under the embedded store — and the node's other jOOQ stores — whose first use
 * costs the start's main thread most after Spring itself: jOOQ, whose first query initialises its dialect and data
 * type registries, and Flyway, whose every module run copies its configuration's plugins (through Jackson). Done here
 * first, on the second core, with no database: the main thread then finds those classes initialised. Nothing is kept;
 * a failure here only leaves the work to the main thread. Registered in {@code META-INF/spring.factories}.
 */
class EmbeddedStorePreinitializer implements BackgroundPreinitializer {

	@Override
	public void preinitialize() {
		DSL.using(SQLDialect.H2).renderInlined(DSL.selectOne().from(DSL.table(DSL.name("kv")))
				.where(DSL.field(DSL.name("key"), String.class).eq("preinit")).forUpdate());
		ClassLoader loader = EmbeddedStorePreinitializer.class.getClassLoader();
		new FluentConfiguration(loader).configuration(new FluentConfiguration(loader));
	}
}
