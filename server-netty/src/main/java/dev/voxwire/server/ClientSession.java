package dev.voxwire.server;

import dev.voxwire.core.protocol.Envelope;
import java.util.Optional;

/**
 * A client's session on the server: one WebSocket connection, or one SSE session (its push stream
 * and the requests it posts). Survives reconnects when the client resumes it.
 */
public interface ClientSession {
    /** The server-assigned session id (sent in {@code system:connected}). */
    String sessionId();

    /** The authenticated user. */
    String userId();

    /** The client id from {@code /ws/{clientId}}, which is also the conversation thread id. */
    Optional<String> clientId();

    /** {@code websocket} or {@code sse}. */
    String transport();

    /**
     * Sends a server event to this session (the server sets {@code seq} and {@code ts}). Returns
     * {@code false} when the session is gone or the event was dropped by backpressure.
     */
    boolean send(Envelope event);
}
