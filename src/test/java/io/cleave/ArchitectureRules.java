package io.cleave;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.conditions.ArchConditions.onlyHaveDependenciesWhere;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields;
import static com.tngtech.archunit.library.GeneralCodingRules.BE_ANNOTATED_WITH_AN_INJECTION_ANNOTATION;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.util.List;
import java.util.stream.Stream;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.PackageMatcher;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Cleave's architecture rules, built for a root package so that the same rules check the application
 * ({@code io.cleave}) and the fixtures that break each of them on purpose.
 *
 * <p>Every rule is phrased as "no class …" or "every class …", so it always has classes to look at even while
 * nothing uses Kafka or gRPC. That is why none of them needs {@code allowEmptyShould}: ArchUnit's
 * failOnEmptyShould stays on and makes a rule handed no classes at all (a wrong root package, a broken import)
 * fail instead of pass.
 */
final class ArchitectureRules {

	private final String root;

	ArchitectureRules(String rootPackage) {
		this.root = rootPackage;
	}

	// 1. Technology imports stay inside their adapter packages.

	ArchRule rabbitMqOnlyInRabbitMqPackages() {
		return onlyInAdapter("..rabbitmq..",
				"org.springframework.amqp..", "org.springframework.integration.amqp..", "com.rabbitmq..")
				.because("a broker is an adapter chosen by configuration; modules must run without it");
	}

	ArchRule kafkaOnlyInKafkaPackages() {
		return onlyInAdapter("..kafka..",
				"org.apache.kafka..", "org.springframework.kafka..", "org.springframework.integration.kafka..")
				.because("a broker is an adapter chosen by configuration; modules must run without it");
	}

	ArchRule grpcOnlyInGrpcPackages() {
		return onlyInAdapter("..grpc..", "io.grpc..", "org.springframework.grpc..")
				.because("gRPC is one transport chosen by configuration; in-process calls must not need it");
	}

	ArchRule springSecurityOnlyInSecurityPackages() {
		return onlyInAdapter("..security..", "org.springframework.security..", "com.nimbusds..")
				.because("authentication is the HTTP edge's concern: modules see the caller in CallContext, never a "
						+ "security type");
	}

	ArchRule jooqOnlyInPersistencePackages() {
		return onlyInAdapter(root + ".*.jooq..", "org.jooq..")
				.because("SQL is a module's private detail: its API and services see records, never jOOQ types");
	}

	ArchRule generatedJooqCodeOnlyInItsOwnModule() {
		return classes().should(onlyHaveDependenciesWhere(generatedJooqCodeIsUsedByItsOwnersPersistencePackage()))
				.as("generated jOOQ code (" + root + ".*.jooq.schema..) should only be used from the jooq package"
						+ " of the module that owns it")
				.because("a module's tables are its own: other modules reach its data through its API");
	}

	List<ArchRule> technologyImports() {
		return List.of(rabbitMqOnlyInRabbitMqPackages(), kafkaOnlyInKafkaPackages(), grpcOnlyInGrpcPackages(),
				springSecurityOnlyInSecurityPackages(), jooqOnlyInPersistencePackages(),
				generatedJooqCodeOnlyInItsOwnModule());
	}

	// 2. No package cycles.

	ArchRule noPackageCycles() {
		String generated = root + ".*.jooq.schema..";
		return slices().matching("(" + root + "..)") // one slice per package, the root package included
				.should().beFreeOfCycles()
				.ignoreDependency(resideInAPackage(generated), resideInAPackage(generated))
				.because("a cycle welds packages so neither can change or move alone"
						+ " (generated jOOQ Keys and Tables refer to each other by design, so they are left out)");
	}

	// 3. No *Impl classes.

	ArchRule noImplClasses() {
		return noClasses().should().haveSimpleNameEndingWith("Impl")
				.because("an implementation is named by what sets it apart (JooqKeyValueStore, KafkaEventTransport)");
	}

	// 4. No field injection: ArchUnit's ready-made condition (@Autowired, @Value, @Inject, @Resource) with our reason.

	ArchRule noFieldInjection() {
		return noFields().should(BE_ANNOTATED_WITH_AN_INJECTION_ANNOTATION)
				.as("no classes should use field injection")
				.because("constructor injection shows every dependency and lets a class be built without Spring");
	}

	List<ArchRule> all() {
		return Stream.concat(technologyImports().stream(), Stream.of(noPackageCycles(), noImplClasses(), noFieldInjection()))
				.toList();
	}

	/**
	 * The one builder behind every technology rule: no class outside {@code adapterPackage} may depend on the
	 * technology's packages. The fixtures exercise it through the jOOQ rule (jOOQ is on the classpath); that also
	 * covers the RabbitMQ, Kafka and gRPC rules, whose client libraries are not dependencies yet.
	 */
	static ArchRule onlyInAdapter(String adapterPackage, String... technologyPackages) {
		return noClasses().that().resideOutsideOfPackage(adapterPackage)
				.should().dependOnClassesThat().resideInAnyPackage(technologyPackages);
	}

	private DescribedPredicate<Dependency> generatedJooqCodeIsUsedByItsOwnersPersistencePackage() {
		PackageMatcher generatedCode = PackageMatcher.of(root + ".(*).jooq.schema..");
		return DescribedPredicate.describe("generated jOOQ code is used by its own module's jooq package", dependency -> {
			String target = dependency.getTargetClass().getBaseComponentType().getPackageName();
			String origin = dependency.getOriginClass().getPackageName();
			return generatedCode.match(target)
					.map(owner -> PackageMatcher.of(root + "." + owner.getGroup(1) + ".jooq..").matches(origin))
					.orElse(true);
		});
	}
}
