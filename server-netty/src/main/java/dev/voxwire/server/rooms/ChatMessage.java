package dev.voxwire.server.rooms;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A message as the {@link MessageStore} keeps it.
 *
 * @param messageId server-assigned id
 * @param room the room it was sent to
 * @param userId its author
 * @param clientMsgId the client's id for it, if it gave one
 * @param content the text
 * @param createdAt when the server accepted it
 * @param editedAt when it was last edited, or null
 * @param deleted whether it was deleted (content is then empty)
 */
public record ChatMessage(String messageId, Room room, String userId, @Nullable String clientMsgId, String content,
        Instant createdAt, @Nullable Instant editedAt, boolean deleted) {

    /** A copy with new content, edited at {@code at}. */
    public ChatMessage edited(String newContent, Instant at) {
        return new ChatMessage(messageId, room, userId, clientMsgId, newContent, createdAt, at, false);
    }

    /** A deleted copy. */
    public ChatMessage asDeleted(Instant at) {
        return new ChatMessage(messageId, room, userId, clientMsgId, "", createdAt, at, true);
    }
}
