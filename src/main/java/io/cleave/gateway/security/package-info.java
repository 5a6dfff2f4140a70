/**
 * Who may call what on the node's HTTP edge: one Spring Security filter chain over every path (gateway routes,
 * module resources, actuator), authenticating JWT bearer tokens, operators' HTTP Basic and service accounts' API keys,
 * and authorizing each request by the route rules of {@code cleave.gateway.security}.
 */
@NullMarked
package io.cleave.gateway.security;

import org.jspecify.annotations.NullMarked;
