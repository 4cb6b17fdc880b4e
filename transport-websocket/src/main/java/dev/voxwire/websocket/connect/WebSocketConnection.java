package dev.voxwire.websocket.connect;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * An open WebSocket connection made by {@link WebSocketConnector}. Thread-safe: every method may
 * be called from any thread; writes are handed to the connection's event loop.
 *
 * <p>Write futures fail with a {@link dev.voxwire.core.VoxwireException} with code
 * {@link dev.voxwire.core.ErrorCode#CLOSED} once the connection is closing or closed, and with
 * {@link dev.voxwire.core.ErrorCode#NETWORK} when the write itself fails.
 */
public interface WebSocketConnection {
    /** Sends one text message. */
    CompletableFuture<Void> sendText(String text);

    /** Sends one binary message (the array is copied before this returns). */
    CompletableFuture<Void> sendBinary(byte[] data);

    /** Sends a WebSocket ping frame; the peer's pong reaches {@link Listener#onPong}. */
    CompletableFuture<Void> ping();

    /**
     * Whether the channel accepts writes without buffering beyond its high water mark. Callers
     * that produce many messages should wait for {@link Listener#onWritabilityChanged} with
     * {@code true} when this is {@code false}.
     */
    boolean isWritable();

    /**
     * Starts the close handshake: sends a close frame with {@code code} and {@code reason}, waits
     * for the peer's close frame up to {@link ConnectSpec#closeTimeout()}, then closes the TCP
     * connection. Completes when the channel is closed. Idempotent.
     */
    CompletableFuture<Void> close(int code, String reason);

    /** Completes once the channel is closed, on every path (never exceptionally). */
    CompletableFuture<CloseInfo> closeFuture();

    /** The subprotocol the server selected, if any. */
    Optional<String> subprotocol();

    /** The headers of the server's {@code 101 Switching Protocols} response. */
    Map<String, List<String>> handshakeResponseHeaders();

    /**
     * Receives what a connection reads. Every callback runs on the connection's event loop, one
     * at a time, and must not block. {@link #onClosed} is the last callback, called exactly once
     * on every path (peer close, network failure, local close, connector close).
     */
    interface Listener {
        /** A complete text message (fragments already joined). */
        default void onText(WebSocketConnection c, String text) {
        }

        /** A complete binary message; the array is a copy the listener owns. */
        default void onBinary(WebSocketConnection c, byte[] data) {
        }

        /** A pong frame arrived (an answer to {@link WebSocketConnection#ping()} or unsolicited). */
        default void onPong(WebSocketConnection c) {
        }

        /** The channel's writability changed. */
        default void onWritabilityChanged(WebSocketConnection c, boolean writable) {
        }

        /** The connection is closed; the last callback. */
        default void onClosed(WebSocketConnection c, CloseInfo info) {
        }
    }
}
