package dev.voxwire.server.rooms.internal;

import dev.voxwire.server.rooms.ChatChannel;
import dev.voxwire.server.rooms.ChannelDirectory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An in-memory {@link ChannelDirectory}. */
public final class InMemoryChannelDirectory implements ChannelDirectory {
    private final Map<String, ChatChannel> channels = new LinkedHashMap<>();

    private InMemoryChannelDirectory() {
    }

    public static InMemoryChannelDirectory create() {
        return new InMemoryChannelDirectory();
    }

    @Override
    public synchronized void put(ChatChannel channel) {
        channels.put(channel.id(), channel);
    }

    @Override
    public synchronized Optional<ChatChannel> find(String id) {
        return Optional.ofNullable(channels.get(id));
    }

    @Override
    public synchronized boolean remove(String id) {
        return channels.remove(id) != null;
    }

    @Override
    public synchronized List<ChatChannel> list() {
        return new ArrayList<>(channels.values());
    }
}
