/**
 * Implementation of the SSE transport: the Netty HTTP client pieces (event stream handler,
 * keep-alive POST pool, TLS and proxy setup, endpoint derivation). Not API.
 */
@NullMarked
package dev.voxwire.sse.internal;

import org.jspecify.annotations.NullMarked;
