package io.cleave.rpc.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

class RecordConstructorsTests {

	record Line(String sku, int quantity) {
	}

	record Order(String id, long total, boolean paid, double weight, List<Line> lines) {
	}

	record Positive(int value) {

		Positive {
			if (value <= 0) {
				throw new IllegalArgumentException("value must be positive, was " + value);
			}
		}
	}

	private final JsonMapper jackson = JsonMapper.builder()
			.disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
			.build();

	private final JsonMapper spread = jackson.rebuild().addModule(new RecordConstructors()).build();

	@Test
	void readsRecordsWithEveryKindOfComponentAsJacksonDoes() {
		String json = """
				{"id":"o-1","total":12,"paid":true,"weight":1.5,"lines":[{"sku":"a","quantity":2},{"sku":"b"}]}""";

		Order order = spread.readValue(json, Order.class);

		assertThat(order).isEqualTo(new Order("o-1", 12, true, 1.5, List.of(new Line("a", 2), new Line("b", 0))))
				.isEqualTo(jackson.readValue(json, Order.class));
	}

	@Test
	void leftOutComponentsTakeTheirDefaultsAsWithJackson() {
		assertThat(spread.readValue("{}", Order.class)).isEqualTo(new Order(null, 0, false, 0, null))
				.isEqualTo(jackson.readValue("{}", Order.class));
	}

	@Test
	void readsThroughAReaderMadeOnceAndUsedAgain() {
		ObjectReader reader = spread.readerFor(Line.class);

		assertThat(List.<Line>of(reader.readValue("{\"sku\":\"a\",\"quantity\":1}"),
				reader.readValue("{\"sku\":\"b\",\"quantity\":2}")))
				.containsExactly(new Line("a", 1), new Line("b", 2));
	}

	@Test
	void aConstructorThatThrowsIsReportedExactlyAsJacksonReportsIt() {
		JacksonException withModule = catchThrowableOfType(JacksonException.class,
				() -> spread.readValue("{\"value\":-1}", Positive.class));
		JacksonException withoutModule = catchThrowableOfType(JacksonException.class,
				() -> jackson.readValue("{\"value\":-1}", Positive.class));

		assertThat(withModule).hasMessage(withoutModule.getMessage())
				.hasSameClassAs(withoutModule)
				.hasRootCauseInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("value must be positive, was -1");
	}

	@Test
	void callsTheCanonicalConstructorThroughItsOwnInstantiator() {
		JacksonException failure = catchThrowableOfType(JacksonException.class,
				() -> spread.readValue("{\"value\":0}", Positive.class));

		assertThat(failure.getCause().getStackTrace()).extracting(StackTraceElement::getClassName)
				.contains(RecordConstructors.class.getName() + "$Spread")
				.doesNotContain("tools.jackson.databind.introspect.AnnotatedConstructor");
	}
}
