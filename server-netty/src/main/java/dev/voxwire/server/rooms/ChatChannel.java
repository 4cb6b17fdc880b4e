package dev.voxwire.server.rooms;

import java.time.Instant;

/**
 * A chat channel created over the channels REST API; its room is {@code channel:<id>}.
 *
 * @param id server-assigned id
 * @param name display name
 * @param createdBy the creating user (the only one who may rename or delete it)
 * @param createdAt when it was created
 */
public record ChatChannel(String id, String name, String createdBy, Instant createdAt) {
    /** {@code channel:<id>}. */
    public Room room() {
        return Room.channel(id);
    }

    /** A copy with another name. */
    public ChatChannel renamed(String newName) {
        return new ChatChannel(id, newName, createdBy, createdAt);
    }
}
