/**
 * The server's implementation: bootstrap, HTTP routing and handshake, WebSocket and SSE sessions,
 * request contexts, the connection manager and metrics. Not API.
 */
@NullMarked
package dev.voxwire.server.internal;

import org.jspecify.annotations.NullMarked;
