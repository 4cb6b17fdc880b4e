package dev.voxwire.server.rooms.internal;

import dev.voxwire.core.reliability.Checks;
import dev.voxwire.server.rooms.ChatMessage;
import dev.voxwire.server.rooms.MessageStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A bounded in-memory {@link MessageStore}: the oldest message goes when a new one would exceed the bound. */
public final class InMemoryMessageStore implements MessageStore {
    private final int maxMessages;
    private final LinkedHashMap<String, ChatMessage> messages;

    private InMemoryMessageStore(int maxMessages) {
        this.maxMessages = Checks.positive(maxMessages, "maxMessages");
        this.messages = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ChatMessage> eldest) {
                return size() > InMemoryMessageStore.this.maxMessages;
            }
        };
    }

    /** A store keeping the last {@code maxMessages} messages. */
    public static InMemoryMessageStore create(int maxMessages) {
        return new InMemoryMessageStore(maxMessages);
    }

    @Override
    public synchronized void save(ChatMessage message) {
        messages.put(message.messageId(), message);
    }

    @Override
    public synchronized Optional<ChatMessage> find(String messageId) {
        return Optional.ofNullable(messages.get(messageId));
    }

    /** Messages kept now. */
    public synchronized int size() {
        return messages.size();
    }
}
