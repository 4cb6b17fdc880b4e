package dev.voxwire.server.rooms;

import dev.voxwire.server.rooms.internal.InMemoryMessageStore;
import java.util.Optional;

/**
 * Keeps chat messages, so that edits, deletes and receipts can find a message's room and author.
 * The default is bounded and in memory ({@link #inMemory}); a database plugs in here.
 *
 * <p>Threading: called on event loops; thread-safe; must not block (an implementation backed by
 * I/O should cache or write behind). An exception fails the request with {@code SERVER_ERROR}.
 */
public interface MessageStore {
    /** Stores a new message or replaces the stored one with the same id. */
    void save(ChatMessage message);

    /** The message with this id, if kept. */
    Optional<ChatMessage> find(String messageId);

    /** An in-memory store keeping the last {@code maxMessages} messages. */
    static MessageStore inMemory(int maxMessages) {
        return InMemoryMessageStore.create(maxMessages);
    }
}
