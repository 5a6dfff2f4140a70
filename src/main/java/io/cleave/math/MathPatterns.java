package io.cleave.math;

/** The patterns the math module serves, in go-nano's string form. */
public final class MathPatterns {

	/** Whether {@code Value} is greater than zero: {@code {"Value":1}} → {@code {"Result":true}}. */
	public static final String POSITIVE = "role:math,cmd:positive";

	/** {@code Left + Right}, exactly (decimal arithmetic). */
	public static final String SUM = "role:math,cmd:sum";

	/** Seneca's refinement of the sum: the operands rounded down to integers first. */
	public static final String INTEGER_SUM = "role:math,cmd:sum,integer:true";

	private MathPatterns() {
	}
}
