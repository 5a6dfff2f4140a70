/**
 * The node's OpenAPI 3.1 document and Swagger UI (springdoc): the HTTP surface springdoc finds, one operation per
 * RPC method in place of the generic RPC route, {@code /act}'s message shape, and problem+json errors everywhere.
 */
@NullMarked
package io.cleave.gateway.springdoc;

import org.jspecify.annotations.NullMarked;
