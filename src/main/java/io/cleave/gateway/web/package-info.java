/** The gateway's HTTP routes: goms' {@code POST /api/{service}/{method}} onto RPC, errors as problem details. */
@NullMarked
package io.cleave.gateway.web;

import org.jspecify.annotations.NullMarked;
