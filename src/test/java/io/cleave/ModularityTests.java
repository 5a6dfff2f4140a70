package io.cleave;

import static java.util.Comparator.comparing;
import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.joining;
import static java.util.stream.Collectors.toList;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.fail;

import fixtures.boundaryviolation.BrokenApplication;
import fixtures.boundaryviolation.beta.internal.BetaInternals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModule;
import org.springframework.modulith.core.ApplicationModuleDependency;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.core.DependencyType;
import org.springframework.modulith.core.EventType;
import org.springframework.modulith.core.JavaPackage;
import org.springframework.modulith.core.NamedInterface;
import org.springframework.modulith.core.Violations;
import org.springframework.modulith.docs.Documenter;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * Keeps the module structure honest: the boundaries hold, their check really bites, and {@code modules.md} describes
 * the code as it is.
 */
class ModularityTests {

	static final ApplicationModules modules = ApplicationModules.of(CleaveApplication.class);

	static final String WRITE_PROPERTY = "cleave.modules.write";
	static final String REGENERATE = "./mvnw test -Dtest=ModularityTests -D" + WRITE_PROPERTY + "=true";

	// Surefire runs with the project root as working directory.
	static final Path COMMITTED = Path.of("modules.md");
	static final Path GENERATED = Path.of("target", "modules.md");
	static final Path MAIN_SOURCES = Path.of("src", "main", "java");

	@Test
	void modulesOnlyUseEachOthersApisAndTheirDeclaredDependencies() {
		modules.verify();
	}

	@Test
	void verificationRejectsAModuleThatUsesAnotherModulesInternalType() {
		// ApplicationModules.of(Class) imports with ImportOption.DoNotIncludeTests, which would leave out the fixture.
		var broken = ApplicationModules.of(BrokenApplication.class, new ImportOption.OnlyIncludeTests());

		assertThatExceptionOfType(Violations.class)
				.isThrownBy(broken::verify)
				.withMessageContaining("Module 'alpha' depends on non-exposed type " + BetaInternals.class.getName());
	}

	@Test
	void modulesDocumentIsUpToDateWithTheModuleModel() throws IOException {
		var generated = ModulesDocument.render(modules);
		Files.createDirectories(GENERATED.getParent());
		Files.writeString(GENERATED, generated);

		if (Boolean.getBoolean(WRITE_PROPERTY)) {
			Files.writeString(COMMITTED, generated);
			return;
		}

		if (!Files.exists(COMMITTED)) {
			fail("%s is missing. Generate it with `%s` and commit it.".formatted(COMMITTED, REGENERATE));
		}
		var committed = Files.readString(COMMITTED).replace("\r\n", "\n");
		if (!committed.equals(generated)) {
			fail("""
					%s is stale: it no longer matches the module model (%s).
					Regenerate it with `%s` and commit it.
					The fresh version is in %s: diff %s %s"""
					.formatted(COMMITTED, firstDifference(committed, generated), REGENERATE, GENERATED, COMMITTED,
							GENERATED));
		}
	}

	@Test
	void writesModulithsOwnDocumentationUnderTarget() {
		// Not writeDocumentation(): it would also rewrite META-INF/spring-modulith/application-modules.json in
		// target/classes, the precomputed model the build generates for start-up (pom.xml, execution module-model),
		// without truncating it first.
		new Documenter(modules)
				.writeModulesAsPlantUml()
				.writeIndividualModulesAsPlantUml()
				.writeModuleCanvases()
				.writeAggregatingDocument();

		assertThat(Path.of("target", "spring-modulith-docs", "components.puml")).isNotEmptyFile();
	}

	private static String firstDifference(String committed, String generated) {
		var expected = generated.split("\n", -1);
		var actual = committed.split("\n", -1);
		for (int i = 0; i < Math.max(expected.length, actual.length); i++) {
			var wanted = i < expected.length ? expected[i] : "<end of file>";
			var found = i < actual.length ? actual[i] : "<end of file>";
			if (!wanted.equals(found)) {
				return "first difference at line %d: expected \"%s\" but found \"%s\"".formatted(i + 1, wanted, found);
			}
		}
		return "they differ";
	}

	/**
	 * Renders the module model as Markdown: sorted and free of timestamps, so it only changes when the code does.
	 */
	static final class ModulesDocument {

		private static final Pattern JAVADOC = Pattern.compile("/\\*\\*(.*?)\\*/", Pattern.DOTALL);
		private static final Pattern INLINE_TAG = Pattern.compile("\\{@\\w+\\s+([^}]*)}");
		private static final Pattern FIRST_SENTENCE = Pattern.compile("^(.*?\\.)(?=\\s|$)");

		private final StringBuilder out = new StringBuilder();

		static String render(ApplicationModules modules) {
			return new ModulesDocument().document(modules).out.toString();
		}

		private ModulesDocument document(ApplicationModules modules) {
			var sorted = modules.stream().sorted(comparing(ModulesDocument::id)).toList();

			line("# " + modules.getSystemName().orElse("Application") + " modules");
			line();
			line("Generated by `ModularityTests` from the Spring Modulith model; do not edit this file by hand.");
			line("Regenerate it with `" + REGENERATE + "`.");
			line();
			line("- Root package: " + code(modules.getRootPackages().stream().map(JavaPackage::getName)));
			line("- Modules: " + code(sorted.stream().map(ModulesDocument::id)));
			line("- Shared modules: " + code(modules.getSharedModules().stream().map(ModulesDocument::id)));
			line();
			line("A module's base package is its API; its sub-packages are internal unless exposed as a named interface.");
			line("Events published are the module's types that Modulith recognises as events (jMolecules `@DomainEvent`)");
			line("or that some module listens to.");
			line();

			diagram(sorted, modules);
			sorted.forEach(module -> module(module, modules));
			return this;
		}

		private void diagram(List<ApplicationModule> sorted, ApplicationModules modules) {
			line("## Dependencies");
			line();
			line("Arrows point from a module to the modules it uses; a dotted arrow means it only uses events it listens to.");
			line();
			line("```mermaid");
			line("flowchart LR");
			sorted.forEach(module -> line("    %s[\"%s\"]"
					.formatted(node(module), module.getDisplayName().replace("\"", "#quot;"))));
			sorted.forEach(module -> dependenciesByTarget(module, modules).forEach((target, dependencies) -> {
				// A listener's parameter is also a plain (default) dependency on the event type.
				var listenedTo = module.getEventsListenedTo(modules);
				var onlyEvents = dependencies.stream()
						.allMatch(dependency -> dependency.getDependencyType() == DependencyType.EVENT_LISTENER
								|| listenedTo.contains(dependency.getTargetType()));
				line("    %s %s %s".formatted(node(module), onlyEvents ? "-.->" : "-->", nodeFor(target)));
			}));
			line("```");
		}

		private void module(ApplicationModule module, ApplicationModules modules) {
			line();
			line("## %s (`%s`)".formatted(module.getDisplayName(), id(module)));
			line();
			line(purpose(module));
			line();
			line("- Base package: `" + module.getBasePackage().getName() + "`");
			line("- Allowed dependencies: " + allowedDependencies(module));

			var dependencies = dependenciesByTarget(module, modules);
			list("Actual dependencies", dependencies.entrySet().stream().map(entry -> "`%s` (%s): %s".formatted(
					entry.getKey(),
					entry.getValue().stream().map(dependency -> describe(dependency.getDependencyType()))
							.distinct().sorted().collect(joining(", ")),
					code(entry.getValue().stream().map(dependency -> name(dependency.getTargetType())))))
					.toList());

			var interfaces = module.getNamedInterfaces().stream().toList();
			list("Public API", interfaces.stream().filter(NamedInterface::isUnnamed)
					.flatMap(NamedInterface::asJavaClasses).map(ModulesDocument::name)
					.distinct().sorted().map(name -> "`" + name + "`").toList());
			list("Named interfaces", interfaces.stream().filter(NamedInterface::isNamed)
					.sorted(comparing(NamedInterface::getName))
					.map(named -> "`%s`: %s"
							.formatted(named.getName(), code(named.asJavaClasses().map(ModulesDocument::name))))
					.toList());
			list("Events published", publishedEvents(module, modules).map(ModulesDocument::name)
					.distinct().sorted().map(name -> "`" + name + "`").toList());
			list("Events listened to", module.getEventsListenedTo(modules).stream().distinct()
					.sorted(comparing(ModulesDocument::name))
					.map(event -> "`%s`%s".formatted(name(event), modules.getModuleByType(event)
							.map(publisher -> " (from `" + id(publisher) + "`)").orElse("")))
					.toList());
		}

		/**
		 * Modulith only recognises jMolecules events ({@code DomainEvent}, {@code @DomainEvent}) as published; plain
		 * records are events too once someone listens to them.
		 */
		private static Stream<JavaClass> publishedEvents(ApplicationModule module, ApplicationModules modules) {
			var listenedTo = modules.stream()
					.flatMap(listener -> listener.getEventsListenedTo(modules).stream())
					.filter(module::contains);
			return Stream.concat(module.getPublishedEvents().stream().map(EventType::getType), listenedTo);
		}

		/** Dependencies on other modules, keyed by the target module's identifier. */
		private static Map<String, List<ApplicationModuleDependency>> dependenciesByTarget(ApplicationModule module,
				ApplicationModules modules) {
			return module.getDirectDependencies(modules).stream()
					.filter(dependency -> !dependency.getTargetModule().equals(module))
					.collect(groupingBy(dependency -> id(dependency.getTargetModule()), TreeMap::new, toList()));
		}

		/** The allowed dependencies as written in the module's {@code @ApplicationModule}, not as resolved. */
		private static String allowedDependencies(ApplicationModule module) {
			return module.getBasePackage().getAnnotation(org.springframework.modulith.ApplicationModule.class)
					.map(org.springframework.modulith.ApplicationModule::allowedDependencies)
					.map(declared -> Arrays.asList(declared).contains(org.springframework.modulith.ApplicationModule.OPEN_TOKEN)
							? "any (not restricted)"
							: code(Arrays.stream(declared)))
					.orElse("any (not declared)");
		}

		/** The first sentence of the module's package Javadoc, which only the source file has. */
		private static String purpose(ApplicationModule module) {
			var packageInfo = MAIN_SOURCES.resolve(module.getBasePackage().getName().replace('.', '/'))
					.resolve("package-info.java");
			if (!Files.exists(packageInfo)) {
				return "Purpose: none";
			}
			try {
				var javadoc = JAVADOC.matcher(Files.readString(packageInfo));
				if (!javadoc.find()) {
					return "Purpose: none";
				}
				var text = javadoc.group(1).lines()
						.map(line -> line.strip().replaceFirst("^\\*+\\s?", "").strip())
						.takeWhile(line -> !line.startsWith("@"))
						.collect(joining(" "));
				text = INLINE_TAG.matcher(text).replaceAll("`$1`").replaceAll("<[^>]+>", "").replaceAll("\\s+", " ").strip();
				var sentence = FIRST_SENTENCE.matcher(text);
				return text.isEmpty() ? "Purpose: none" : sentence.find() ? sentence.group(1) : text;
			}
			catch (IOException e) {
				throw new UncheckedIOException(e);
			}
		}

		private static String describe(DependencyType type) {
			return type.name().toLowerCase().replace('_', ' ');
		}

		/** Nested types read as in source ({@code Outer.Inner}), not as binary names. */
		private static String name(JavaClass type) {
			return type.getName().replace('$', '.');
		}

		private static String id(ApplicationModule module) {
			return module.getIdentifier().toString();
		}

		private static String node(ApplicationModule module) {
			return nodeFor(id(module));
		}

		private static String nodeFor(String id) {
			return id.replaceAll("[^A-Za-z0-9_]", "_");
		}

		private static String code(Stream<String> values) {
			var sorted = values.distinct().sorted().map(value -> "`" + value + "`").toList();
			return sorted.isEmpty() ? "none" : String.join(", ", sorted);
		}

		private void list(String label, Collection<String> items) {
			if (items.isEmpty()) {
				line("- " + label + ": none");
				return;
			}
			line("- " + label + ":");
			items.forEach(item -> line("  - " + item));
		}

		private void line(String text) {
			out.append(text).append('\n');
		}

		private void line() {
			out.append('\n');
		}
	}
}
