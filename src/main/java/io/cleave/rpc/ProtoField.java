package io.cleave.rpc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Pins the protobuf field number of a request or response record's component (or the number of an enum constant)
 * on the wire.
 * <p>
 * Without it a component is numbered by its position among the record's components (1, 2, 3, …) and an enum
 * constant by its ordinal (0, 1, 2, …). That keeps the wire compatible as long as new components are added at the
 * end; before reordering or removing one, pin the numbers of the components that stay with this annotation, and
 * never give a number that was used before to a different component. Two components with the same number are
 * refused when the service starts.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.RECORD_COMPONENT, ElementType.FIELD })
public @interface ProtoField {

	/** The field number: 1 to 536,870,911, outside 19,000–19,999 (reserved by protobuf); 0 or more for enums. */
	int value();
}
