package dev.voxwire.server.rooms;

import dev.voxwire.server.rooms.internal.InMemoryChannelDirectory;
import java.util.List;
import java.util.Optional;

/**
 * Keeps the channels of the channels REST API. The default is in memory ({@link #inMemory}).
 * Threading: thread-safe, must not block.
 */
public interface ChannelDirectory {
    /** Stores a new channel. */
    void put(ChatChannel channel);

    /** The channel with this id. */
    Optional<ChatChannel> find(String id);

    /** Removes a channel; {@code true} if it existed. */
    boolean remove(String id);

    /** Every channel, oldest first. */
    List<ChatChannel> list();

    /** An in-memory directory. */
    static ChannelDirectory inMemory() {
        return InMemoryChannelDirectory.create();
    }
}
