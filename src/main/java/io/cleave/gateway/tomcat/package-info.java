/**
 * The gateway on Tomcat: what Tomcat rejects before Spring MVC runs is answered as problem details too; Tomcat's
 * metrics are bound without the platform MBean server.
 */
@NullMarked
package io.cleave.gateway.tomcat;

import org.jspecify.annotations.NullMarked;
