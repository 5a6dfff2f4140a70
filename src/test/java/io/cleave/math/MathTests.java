package io.cleave.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

import io.cleave.messaging.MessageBus;
import io.cleave.status.Status;
import io.cleave.status.StatusException;
import io.cleave.testing.FreshDataDirectory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** go-nano's math services, called the way any module or the gateway calls them: through the bus. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = "cleave.registry.etcd-api.port=0")
class MathTests {

	private static final Duration DEADLINE = Duration.ofSeconds(5);

	@Autowired
	private MessageBus bus;

	@Autowired
	private MeterRegistry meters;

	@DynamicPropertySource
	static void freshDataDirectory(DynamicPropertyRegistry registry) {
		FreshDataDirectory.register(registry, "cleave-math-");
	}

	@Test
	void answersWhetherAValueIsPositiveInGoNanosForm() {
		assertThat(bus.act(Map.of("Pattern", "role:math,cmd:positive", "Value", 1), DEADLINE))
			.hasToString("{\"Result\":true}");
		assertThat(bus.act(Map.of("Pattern", "cmd:positive,role:math", "Value", 0), DEADLINE))
			.hasToString("{\"Result\":false}");
		assertThat(bus.act(Map.of("role", "math", "cmd", "positive", "Value", -0.5), DEADLINE))
			.hasToString("{\"Result\":false}");
	}

	@Test
	void sumsExactlyInDecimal() {
		var sum = bus.act(Map.of("role", "math", "cmd", "sum", "Left", new BigDecimal("0.1"), "Right",
				new BigDecimal("0.2")), DEADLINE);

		assertThat(sum.path("Result").decimalValue()).isEqualByComparingTo("0.3");
	}

	@Test
	void theIntegerSumIsTheMoreSpecificPatternAndRoundsItsOperandsDown() {
		assertThat(bus.act(SumRequest.ofIntegers(new BigDecimal("1.5"), new BigDecimal("2.7")), SumAnswer.class,
				DEADLINE).result()).isEqualByComparingTo("3");
		assertThat(bus.act(SumRequest.ofIntegers(new BigDecimal("-1.5"), new BigDecimal("0")), SumAnswer.class,
				DEADLINE).result()).isEqualByComparingTo("-2");
		// Without integer:true, or with another value, the general sum answers.
		assertThat(bus.act(SumRequest.of(new BigDecimal("1.5"), new BigDecimal("2.7")), SumAnswer.class, DEADLINE)
			.result()).isEqualByComparingTo("4.2");
		assertThat(bus.act(Map.of("Pattern", "role:math,cmd:sum", "integer", "false", "Left", 1.5, "Right", 2.5),
				DEADLINE).path("Result").decimalValue()).isEqualByComparingTo("4");
	}

	@Test
	void theIntegerSumAsksTheGeneralSumThroughTheBus() {
		double generalBefore = calls(MathPatterns.SUM);
		double integerBefore = calls(MathPatterns.INTEGER_SUM);

		bus.act(SumRequest.ofIntegers(new BigDecimal("1.9"), new BigDecimal("1.9")), DEADLINE);

		assertThat(calls(MathPatterns.INTEGER_SUM)).isEqualTo(integerBefore + 1);
		assertThat(calls(MathPatterns.SUM)).isEqualTo(generalBefore + 1);
	}

	@Test
	void aMissingOperandIsAnInvalidArgumentNamingIt() {
		assertThatThrownBy(() -> bus.act(Map.of("Pattern", "role:math,cmd:sum", "Left", 1), DEADLINE))
			.isInstanceOfSatisfying(StatusException.class,
					ex -> assertThat(ex.status()).isEqualTo(Status.INVALID_ARGUMENT))
			.hasMessageContaining("'Right'");
		assertThatThrownBy(() -> bus.act(Map.of("Pattern", "role:math,cmd:positive"), DEADLINE))
			.isInstanceOf(InvalidOperand.class)
			.hasMessageContaining("'Value'");
	}

	@Test
	void anOperandThatIsNoNumberIsAnInvalidArgument() {
		assertThatThrownBy(() -> bus.act(Map.of("Pattern", "role:math,cmd:positive", "Value", "lots"), DEADLINE))
			.isInstanceOfSatisfying(StatusException.class,
					ex -> assertThat(ex.status()).isEqualTo(Status.INVALID_ARGUMENT));
	}

	/** Successful act calls handled on the queue of {@code pattern} (named by its canonical form), as the bus counts them. */
	private double calls(String pattern) {
		Timer timer = meters.find("cleave.messaging.handler")
			.tags("queue", io.cleave.messaging.Pattern.parse(pattern).toString(), "mode", "act", "outcome", "success")
			.timer();
		return timer == null ? 0 : timer.count();
	}
}
