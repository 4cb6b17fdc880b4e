package dev.voxwire.server.rooms;

/**
 * A user's aggregate presence before and after an update ({@link Broker#updatePresence},
 * {@link Broker#expirePresence}).
 *
 * @param userId the user
 * @param before the aggregate before
 * @param after the aggregate after
 */
public record PresenceChange(String userId, Presence before, Presence after) {
    /** Whether the aggregate changed (and so must be announced). */
    public boolean changed() {
        return before != after;
    }
}
