package dev.voxwire.server;

import java.util.List;

/**
 * Keeps the history of conversation threads, keyed by thread id (the client id), so a client that
 * reconnects with the same client id continues its thread. The server ships a bounded in-memory
 * store, {@code dev.voxwire.server.conversation.InMemoryConversationStore}; a database or Redis
 * store plugs in here.
 *
 * <p>Threading: called on worker threads, concurrently for different threads; implementations must
 * be thread-safe and may block. Failure: an exception from either method is logged and counted by
 * the server, and the conversation goes on without history; it is never shown to the client.
 */
public interface ConversationStore {
    /** The turns of {@code threadId}, oldest first; empty for an unknown thread. */
    List<ConversationTurn> load(String threadId);

    /** Appends {@code turns} (in order) to {@code threadId}, creating the thread when needed. */
    void append(String threadId, List<ConversationTurn> turns);
}
