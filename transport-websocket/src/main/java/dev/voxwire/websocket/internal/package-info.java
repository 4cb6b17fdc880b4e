/**
 * Implementation details of the WebSocket connector and transport: Netty pipeline, handshake,
 * TLS and proxy set-up. Not API: may change in any release.
 */
@NullMarked
package dev.voxwire.websocket.internal;

import org.jspecify.annotations.NullMarked;
