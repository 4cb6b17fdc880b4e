/**
 * Implementation of the SSE transport: its {@link dev.voxwire.core.transport.LinkOpener} and
 * {@link dev.voxwire.core.transport.Link} for core's engine ({@link dev.voxwire.sse.internal.SseLinkOpener}),
 * and the Netty HTTP client pieces they use (event stream handler, keep-alive POST pool, TLS and
 * proxy setup, endpoint derivation). Not API.
 */
@NullMarked
package dev.voxwire.sse.internal;

import org.jspecify.annotations.NullMarked;
