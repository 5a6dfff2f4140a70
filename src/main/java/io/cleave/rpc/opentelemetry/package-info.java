/**
 * RPC's tracing adapter: server spans and outgoing trace context on OpenTelemetry's API (Boot's SDK, shared with
 * Micrometer Tracing).
 */
@NullMarked
package io.cleave.rpc.opentelemetry;

import org.jspecify.annotations.NullMarked;
