/**
 * The transport-neutral engine that every client transport is built on, and the small link SPI a
 * concrete transport implements.
 *
 * <p>A transport (WebSocket, SSE, yours) implements {@link dev.voxwire.core.transport.LinkOpener}
 * (open one connection) and {@link dev.voxwire.core.transport.Link} (write, ping, close it) and
 * reports what happens on the connection to a {@link dev.voxwire.core.transport.LinkListener}.
 * {@link dev.voxwire.core.transport.TransportEngine} does the rest of
 * {@link dev.voxwire.core.AudioTransport}: request ids and handles, routing by
 * {@code payload.requestId}, final events, cancellation, the outbound queue, the connection
 * state machine, reconnects behind the circuit breaker, heartbeats, session resume, health,
 * metrics and close semantics. See {@code docs/writing-a-transport.md}.
 */
@NullMarked
package dev.voxwire.core.transport;

import org.jspecify.annotations.NullMarked;
