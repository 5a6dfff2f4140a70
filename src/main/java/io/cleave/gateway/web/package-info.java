/**
 * The gateway's HTTP routes: {@code POST /act} for pattern messages and goms' {@code POST /api/{service}/{method}}
 * onto RPC (answered by the dispatcher servlet itself when nothing else can claim it), errors as problem details.
 */
@NullMarked
package io.cleave.gateway.web;

import org.jspecify.annotations.NullMarked;
