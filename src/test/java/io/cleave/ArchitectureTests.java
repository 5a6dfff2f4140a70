package io.cleave;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assertions.assertAll;

import java.util.List;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.PackageMatcher;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

/**
 * Checks {@link ArchitectureRules} against Cleave's production classes (generated jOOQ code included), and shows
 * that each rule can fail by running it against {@code fixtures.architecture.violations}, a small module tree that
 * breaks every rule on purpose.
 */
class ArchitectureTests {

	private static final JavaClasses CLEAVE = new ClassFileImporter()
			.withImportOption(new ImportOption.DoNotIncludeTests())
			.importPackages("io.cleave");

	private static final ArchitectureRules RULES = new ArchitectureRules("io.cleave");

	private static final String FIXTURES = "fixtures.architecture.violations";

	private static final JavaClasses VIOLATIONS = new ClassFileImporter().importPackages(FIXTURES);

	private static final ArchitectureRules FIXTURE_RULES = new ArchitectureRules(FIXTURES);

	// The application follows the rules.

	@Test
	void technologyImportsStayInTheirAdapterPackages() {
		checkAll(RULES.technologyImports());
	}

	@Test
	void packagesAreFreeOfCycles() {
		RULES.noPackageCycles().check(CLEAVE);
	}

	@Test
	void noClassIsNamedImpl() {
		RULES.noImplClasses().check(CLEAVE);
	}

	@Test
	void dependenciesAreInjectedThroughConstructors() {
		RULES.noFieldInjection().check(CLEAVE);
	}

	@Test
	void checksTheGeneratedJooqCodeAsProductionCode() {
		PackageMatcher generatedCode = PackageMatcher.of("io.cleave.*.jooq.schema..");

		assertThat(CLEAVE).as("generated jOOQ classes among the imported production classes")
				.anyMatch(javaClass -> generatedCode.matches(javaClass.getPackageName()));
	}

	// Each rule catches a class that breaks it.

	@Test
	void flagsJooqOutsideAPersistencePackage() {
		assertThat(violationsOf(FIXTURE_RULES.jooqOnlyInPersistencePackages()))
				.contains(FIXTURES + ".registry.KeyValueQueries")
				.doesNotContain("JooqKeyValueStore", "jooq.schema");
	}

	// The RabbitMQ, Kafka and gRPC rules have no fixture: their libraries are not on the classpath, and fixtures must
	// not fake classes in those vendors' packages. They are built by ArchitectureRules.onlyInAdapter, the same builder
	// the jOOQ case above exercises.

	@Test
	void flagsGeneratedJooqCodeUsedOutsideItsOwnModulesPersistencePackage() {
		assertThat(violationsOf(FIXTURE_RULES.generatedJooqCodeOnlyInItsOwnModule()))
				.contains(FIXTURES + ".registry.internal.Revisions", FIXTURES + ".messaging.jooq.MessageStore")
				.doesNotContain("JooqKeyValueStore");
	}

	@Test
	void flagsAPackageCycleButNotTheOneInGeneratedJooqCode() {
		assertThat(violationsOf(FIXTURE_RULES.noPackageCycles()))
				.contains(FIXTURES + ".rpc.endpoint.Endpoints", FIXTURES + ".rpc.transport.InProcessTransport")
				.doesNotContain("jooq.schema");
	}

	@Test
	void flagsAClassNamedImpl() {
		assertThat(violationsOf(FIXTURE_RULES.noImplClasses()))
				.contains(FIXTURES + ".rpc.internal.RpcClientImpl");
	}

	@Test
	void flagsFieldInjection() {
		assertThat(violationsOf(FIXTURE_RULES.noFieldInjection()))
				.contains(FIXTURES + ".gateway.RouteTable.environment")
				.contains(FIXTURES + ".gateway.RouteTable.requestTimeout")
				.contains(FIXTURES + ".gateway.RouteTable.dataSource");
	}

	@Test
	void everyRuleFailsRatherThanPassesWhenItIsGivenNoClasses() {
		JavaClasses nothing = new ClassFileImporter().importPackages("fixtures.architecture.nothing.here");

		assertAll(FIXTURE_RULES.all().stream().map(rule -> () -> assertThatExceptionOfType(AssertionError.class)
				.as(rule.getDescription())
				.isThrownBy(() -> rule.check(nothing))
				.withMessageContaining("failed to check any classes")));
	}

	private static void checkAll(List<ArchRule> rules) {
		assertAll(rules.stream().map(rule -> () -> rule.check(CLEAVE)));
	}

	private static String violationsOf(ArchRule rule) {
		EvaluationResult result = rule.evaluate(VIOLATIONS);
		assertThat(result.hasViolation()).as("'%s' reports a violation", rule.getDescription()).isTrue();
		return result.getFailureReport().toString();
	}
}
