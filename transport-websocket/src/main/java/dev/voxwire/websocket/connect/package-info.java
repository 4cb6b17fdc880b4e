/**
 * The low-level WebSocket client: {@link dev.voxwire.websocket.connect.WebSocketConnector} opens
 * {@link dev.voxwire.websocket.connect.WebSocketConnection}s described by a
 * {@link dev.voxwire.websocket.connect.ConnectSpec} (URI, headers, subprotocols, TLS, proxy,
 * timeouts, compression). It knows nothing of the Voxwire protocol: the
 * {@code WebSocketTransport} and the Gemini Live client are built on it.
 */
@NullMarked
package dev.voxwire.websocket.connect;

import org.jspecify.annotations.NullMarked;
