/**
 * The gateway on Tomcat: what Tomcat rejects before Spring MVC runs is answered as problem details too.
 */
@NullMarked
package io.cleave.gateway.tomcat;

import org.jspecify.annotations.NullMarked;
