/**
 * The Server-Sent Events transport of Voxwire: {@link dev.voxwire.sse.SseTransport} (provider
 * {@code sse}, {@link dev.voxwire.sse.SseTransportProvider}), which runs on core's
 * {@link dev.voxwire.core.transport.TransportEngine}, and the streaming WHATWG
 * {@code text/event-stream} parser {@link dev.voxwire.sse.SseParser}.
 */
@NullMarked
package dev.voxwire.sse;

import org.jspecify.annotations.NullMarked;
