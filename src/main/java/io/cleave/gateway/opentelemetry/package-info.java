/**
 * The gateway's tracing adapter: each HTTP request's server span on OpenTelemetry's API (Boot's SDK, shared with
 * Micrometer Tracing and the rpc module's spans).
 */
@NullMarked
package io.cleave.gateway.opentelemetry;

import org.jspecify.annotations.NullMarked;
