package io.cleave.math;

import java.math.BigDecimal;
import java.math.RoundingMode;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

import io.cleave.messaging.MessageBus;
import io.cleave.messaging.MessagingProperties;
import io.cleave.messaging.PatternHandler;

/** go-nano's example services, registered with the bus by their patterns. */
@Component
class MathHandlers {

	private final MessageBus bus;

	private final MessagingProperties properties;

	MathHandlers(MessageBus bus, MessagingProperties properties) {
		this.bus = bus;
		this.properties = properties;
	}

	@PatternHandler(MathPatterns.POSITIVE)
	PositiveAnswer positive(PositiveRequest request) {
		return new PositiveAnswer(required(request.value(), "Value", MathPatterns.POSITIVE).signum() > 0);
	}

	@PatternHandler(MathPatterns.SUM)
	SumAnswer sum(SumRequest request) {
		return new SumAnswer(required(request.left(), "Left", MathPatterns.SUM)
			.add(required(request.right(), "Right", MathPatterns.SUM)));
	}

	/**
	 * Rounds the operands down, then asks the general sum through the bus (go-nano's {@code Act}, Seneca's "prior"):
	 * the refinement adds only what is specific to it. The nested call gets what is left of the caller's deadline.
	 */
	@PatternHandler(MathPatterns.INTEGER_SUM)
	SumAnswer integerSum(SumRequest request) {
		BigDecimal left = required(request.left(), "Left", MathPatterns.INTEGER_SUM).setScale(0, RoundingMode.FLOOR);
		BigDecimal right = required(request.right(), "Right", MathPatterns.INTEGER_SUM).setScale(0, RoundingMode.FLOOR);
		return bus.act(SumRequest.of(left, right), SumAnswer.class, properties.actTimeout());
	}

	private static BigDecimal required(@Nullable BigDecimal operand, String name, String pattern) {
		if (operand == null) {
			throw new InvalidOperand(name, pattern);
		}
		return operand;
	}
}
