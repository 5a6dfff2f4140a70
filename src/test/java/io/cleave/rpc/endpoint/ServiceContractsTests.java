package io.cleave.rpc.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import io.cleave.kv.DB;
import io.cleave.kv.KeyNotFoundException;
import io.cleave.rpc.Idempotent;
import io.cleave.rpc.RpcService;
import io.cleave.status.StatusException;

import org.junit.jupiter.api.Test;

/** The contract of {@link RpcService}, checked when a service is described: each breach named clearly. */
class ServiceContractsTests {

	record Ping(String text) {
	}

	record Pong(String text) {
	}

	@Test
	void describesTheKvServiceWithRpcNamesRecordTypesAndIdempotence() throws Exception {
		ServiceDescriptor db = ServiceContracts.describe(DB.class, "kv");

		assertThat(db.name()).isEqualTo("DB");
		assertThat(db.module()).isEqualTo("kv");
		assertThat(db.methods()).extracting(MethodDescriptor::fullName).containsExactly("DB/Query", "DB/Update");
		MethodDescriptor query = db.method("Query").orElseThrow();
		assertThat(query.requestType()).isEqualTo(DB.QueryRequest.class);
		assertThat(query.responseType()).isEqualTo(DB.QueryResponse.class);
		assertThat(query.idempotent()).isTrue();
		assertThat(query.method()).isEqualTo(DB.class.getMethod("query", DB.QueryRequest.class));
		assertThat(query.method().getExceptionTypes()).containsExactly(KeyNotFoundException.class);
	}

	@RpcService("Echo")
	interface Echo {

		Pong ping(Ping ping);

		@Idempotent
		Pong pingAgain(Ping ping);
	}

	@Test
	void marksOnlyIdempotentMethodsAsRetryable() {
		ServiceDescriptor echo = ServiceContracts.describe(Echo.class, "echo");

		assertThat(echo.method("Ping").orElseThrow().idempotent()).isFalse();
		assertThat(echo.method("PingAgain").orElseThrow().idempotent()).isTrue();
	}

	@Test
	void findsMethodsAsDeclaredOrWithGomsCapitalisationOnly() {
		ServiceDescriptor echo = ServiceContracts.describe(Echo.class, "echo");

		assertThat(echo.method("Ping")).isPresent();
		assertThat(echo.method("ping")).isPresent();
		assertThat(echo.method("pingAgain")).isPresent();
		assertThat(echo.method("PING")).isEmpty();
		assertThat(echo.method("pingagain")).isEmpty();
	}

	@RpcService("Broken")
	interface Broken {

		Pong text(String text);

		Pong two(Ping first, Ping second);

		void nothing(Ping ping);

		Pong checked(Ping ping) throws IOException;

		default Pong local(Ping ping) {
			return new Pong(ping.text());
		}
	}

	@Test
	void namesEveryBreachOfTheContractAtOnce() {
		assertThatExceptionOfType(RpcContractException.class)
				.isThrownBy(() -> ServiceContracts.describe(Broken.class, "broken"))
				.satisfies(broken -> assertThat(broken.problems()).containsExactlyInAnyOrder(
						"Broken (" + Broken.class.getName() + "): method text(String) takes a java.lang.String;"
								+ " the parameter must be a record",
						"Broken (" + Broken.class.getName() + "): method two(Ping, Ping) takes 2 parameters;"
								+ " it must take exactly one request record",
						"Broken (" + Broken.class.getName() + "): method nothing(Ping) returns void;"
								+ " it must return a response record (an empty record for no data)",
						"Broken (" + Broken.class.getName() + "): method checked(Ping) declares java.io.IOException;"
								+ " a method declares only business errors, subtypes of io.cleave.status.StatusException",
						"Broken (" + Broken.class.getName() + "): method local(Ping) is a default method; it would run"
								+ " in the caller, outside the endpoint chain and on the wrong side of the wire"));
	}

	@RpcService("Overloaded")
	interface Overloaded {

		Pong ping(Ping ping);

		Pong ping(Pong pong);
	}

	@Test
	void rejectsOverloadsBecauseCallsByNameCannotTellThemApart() {
		assertThatExceptionOfType(RpcContractException.class)
				.isThrownBy(() -> ServiceContracts.describe(Overloaded.class, "overloaded"))
				.withMessageContaining("has the same RPC name Ping as ping(");
	}

	@RpcService("not a name")
	interface BadlyNamed {

		Pong ping(Ping ping);
	}

	@Test
	void rejectsAServiceNameNoTransportCouldCarry() {
		assertThatExceptionOfType(RpcContractException.class)
				.isThrownBy(() -> ServiceContracts.describe(BadlyNamed.class, "named"))
				.withMessageContaining("service name 'not a name' must start with a letter");
	}

	@RpcService("Echo")
	interface AnotherEcho {

		Pong ping(Ping ping);
	}

	@Test
	void rejectsTwoServicesOfTheSameName() {
		assertThatExceptionOfType(RpcContractException.class)
				.isThrownBy(() -> ServiceContracts.describeAll(Map.of(Echo.class, "a", AnotherEcho.class, "b")))
				.withMessageContaining("service name Echo is declared by 2 interfaces");
	}

	@RpcService("Concrete")
	static class Concrete {
	}

	@Test
	void rejectsTheAnnotationOnAClass() {
		assertThatExceptionOfType(RpcContractException.class)
				.isThrownBy(() -> ServiceContracts.describe(Concrete.class, "concrete"))
				.withMessageContaining("@RpcService belongs on an interface, found a class");
	}

	@Test
	void findsServicesByNameAsDeclaredOrWithGomsCapitalisation() {
		ServiceCatalog catalog = new ServiceCatalog(ServiceContracts.describeAll(Map.of(DB.class, "kv")), "kv"::equals);

		assertThat(catalog.find("DB")).isPresent();
		assertThat(catalog.find("dB")).isPresent();
		assertThat(catalog.find("db")).isEmpty();
		assertThat(catalog.method("dB", "query").fullName()).isEqualTo("DB/Query");
	}

	@Test
	void ofServicesMatchingARequestedNameTheCatalogFindsTheFirstInItsOrder() {
		ServiceCatalog catalog = new ServiceCatalog(List.of(new ServiceDescriptor("Db", DB.class, "kv", List.of()),
				new ServiceDescriptor("db", Echo.class, "kv", List.of())), module -> true);

		assertThat(catalog.find("db")).map(ServiceDescriptor::type).contains(DB.class);
		assertThat(catalog.find("Db")).map(ServiceDescriptor::type).contains(DB.class);
		assertThat(catalog.find("dB")).isEmpty();
	}

	@Test
	void namesTheKnownServicesAndMethodsWhenAskedForAnUnknownOne() {
		ServiceCatalog catalog = new ServiceCatalog(ServiceContracts.describeAll(Map.of(DB.class, "kv")), "kv"::equals);

		assertThatExceptionOfType(StatusException.class).isThrownBy(() -> catalog.method("Kv", "Query"))
				.withMessage("no RPC service 'Kv'; services: [DB]");
		assertThatExceptionOfType(StatusException.class).isThrownBy(() -> catalog.method("DB", "Get"))
				.withMessage("service DB has no method 'Get'; methods: [Query, Update]");
		assertThat(catalog.findMethod("DB", "get")).isEmpty();
		assertThat(catalog.findMethod("db", "query")).isEmpty();
		assertThat(catalog.findMethod("DB", "query")).map(MethodDescriptor::fullName).contains("DB/Query");
	}

	@Test
	void knowsTheServiceOfEachOfItsMethods() {
		ServiceCatalog catalog = new ServiceCatalog(ServiceContracts.describeAll(Map.of(DB.class, "kv")), "kv"::equals);

		assertThat(catalog.serviceOf(catalog.method("DB", "Update")).name()).isEqualTo("DB");
	}
}
