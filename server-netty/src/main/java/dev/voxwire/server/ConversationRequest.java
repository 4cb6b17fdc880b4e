package dev.voxwire.server;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What a {@link ConversationEngine} is asked to answer: one user message in a thread.
 *
 * @param threadId the conversation thread: the client id of {@code /ws/{clientId}}, or the session
 *     id when the client gave none
 * @param userId the authenticated user
 * @param requestId the id of the {@code conversation:message} request
 * @param message the user's message
 * @param history the earlier turns of the thread, oldest first (empty when the store has none or
 *     failed); it does not include {@code message}
 */
public record ConversationRequest(
        String threadId, String userId, String requestId, String message, List<ConversationTurn> history) {
    public ConversationRequest {
        requireNonNull(threadId, "threadId");
        requireNonNull(userId, "userId");
        requireNonNull(requestId, "requestId");
        requireNonNull(message, "message");
        history = List.copyOf(history);
    }

    /** Never shows the message or history, which are user data. */
    @Override
    public String toString() {
        return "ConversationRequest[threadId=" + threadId + ", userId=" + userId + ", requestId=" + requestId
                + ", " + message.length() + " chars, " + history.size() + " turns of history]";
    }
}
