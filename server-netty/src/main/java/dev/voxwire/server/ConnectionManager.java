package dev.voxwire.server;

import dev.voxwire.core.protocol.Envelope;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The live sessions of a {@link VoxwireServer}: WebSocket connections and SSE sessions. Sends go
 * through each session's ordered, backpressured outbound path (the server sets {@code seq} and
 * {@code ts}). Thread-safe.
 */
public interface ConnectionManager {
    /** Number of live sessions. */
    int count();

    /** Number of live sessions of one transport ({@code websocket} or {@code sse}). */
    int count(String transport);

    /** The session with this id. */
    Optional<ClientSession> session(String sessionId);

    /** The sessions of a user. */
    List<ClientSession> sessionsOf(String userId);

    /** Sends to one session; {@code false} if it is gone. */
    boolean sendTo(String sessionId, Envelope event);

    /** Sends to every session opened with this client id ({@code /ws/{clientId}}); returns how many. */
    int sendToClient(String clientId, Envelope event);

    /** Sends to every session of a user; returns how many. */
    int sendToUser(String userId, Envelope event);

    /**
     * Fan-out: sends one event to the sessions with these ids that live on this server, including
     * sessions whose connection dropped and are kept for resume (the event goes to their resume
     * history). The event is serialized once and the same bytes are written to every WebSocket
     * session (each with its own {@code seq}); the work is handed to each session's own event loop
     * in one task per loop, so a large room never occupies one event loop. Unknown ids are skipped.
     * Returns how many sessions were found.
     */
    int deliver(Collection<String> sessionIds, Envelope event);

    /** Sends to every session; returns how many. */
    int broadcast(Envelope event);
}
