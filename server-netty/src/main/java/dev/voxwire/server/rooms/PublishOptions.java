package dev.voxwire.server.rooms;

import org.jspecify.annotations.Nullable;

/**
 * How {@link Broker#publish} treats one publication.
 *
 * @param history keep it in the room's history (and set {@code payload.offset}); for messages, not
 *     for typing or presence
 * @param excludeUserId a user whose sessions do not get it (typing: not to the typist), or null
 * @param excludeSessionId a session that does not get it, or null
 */
public record PublishOptions(boolean history, @Nullable String excludeUserId, @Nullable String excludeSessionId) {
    private static final PublishOptions HISTORY = new PublishOptions(true, null, null);
    private static final PublishOptions EPHEMERAL = new PublishOptions(false, null, null);

    /** Kept in the history, sent to every member. */
    public static PublishOptions withHistory() {
        return HISTORY;
    }

    /** Not kept, sent to every member. */
    public static PublishOptions ephemeral() {
        return EPHEMERAL;
    }

    /** Not kept, sent to every member but {@code userId}'s sessions. */
    public static PublishOptions ephemeralExceptUser(String userId) {
        return new PublishOptions(false, userId, null);
    }

    /** Not kept, sent to every member but one session. */
    public static PublishOptions ephemeralExceptSession(String sessionId) {
        return new PublishOptions(false, null, sessionId);
    }
}
