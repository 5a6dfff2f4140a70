/**
 * The gateway's HTTP routes: {@code POST /act} for pattern messages.
 */
@NullMarked
package io.cleave.gateway.web;

import org.jspecify.annotations.NullMarked;
