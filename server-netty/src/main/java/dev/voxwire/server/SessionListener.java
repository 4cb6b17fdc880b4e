package dev.voxwire.server;

/**
 * Told about the life of every client session (WebSocket and SSE push sessions), for features
 * that keep per-session state such as room membership and presence. Register one with
 * {@link VoxwireServer.Builder#listener}; an {@link EventHandler} that also implements this
 * interface is registered automatically.
 *
 * <p>Threading: called on the session's event loop; must not block. A WebSocket session goes
 * {@code opened} → ({@code detached} → {@code resumed})* → {@code closed}; {@code detached} means
 * its connection dropped and it is kept for {@code session:resume} for the resume window.
 */
public interface SessionListener {
    /** Called once when the server starts, with its sessions. */
    default void started(ConnectionManager connections) {
    }

    /** A new session (after {@code system:connected} was queued). */
    default void opened(ClientSession session) {
    }

    /** The session's connection dropped; the session is kept for resume. */
    default void detached(ClientSession session) {
    }

    /** A detached session was resumed on a new connection. */
    default void resumed(ClientSession session) {
    }

    /** The session ended for good (closed, expired, or replaced by a resumed one). */
    default void closed(ClientSession session) {
    }

    /** Called once when the server has stopped. */
    default void stopped() {
    }
}
