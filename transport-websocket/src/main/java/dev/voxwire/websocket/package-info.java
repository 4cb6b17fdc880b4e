/**
 * The WebSocket transport: {@link dev.voxwire.websocket.WebSocketTransport}, core's
 * {@link dev.voxwire.core.AudioTransport} over one persistent, resilient, resumable WebSocket
 * connection, found by {@link dev.voxwire.core.Transports} under the name {@code websocket}
 * through {@link dev.voxwire.websocket.WebSocketTransportProvider}. The low-level client it
 * is built on is in {@link dev.voxwire.websocket.connect}.
 */
@NullMarked
package dev.voxwire.websocket;

import org.jspecify.annotations.NullMarked;
