package dev.voxwire.server;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One turn of a conversation thread, as kept by a {@link ConversationStore} and passed to a
 * {@link ConversationEngine} as history.
 *
 * @param role who spoke
 * @param content what was said
 * @param at when the server received (user) or produced (assistant) it
 */
public record ConversationTurn(Role role, String content, Instant at) {
    /** Who spoke a turn. */
    public enum Role {
        /** The client's user. */
        USER,
        /** The conversation engine. */
        ASSISTANT
    }

    public ConversationTurn {
        requireNonNull(role, "role");
        requireNonNull(content, "content");
        requireNonNull(at, "at");
    }

    /** A user turn. */
    public static ConversationTurn user(String content, Instant at) {
        return new ConversationTurn(Role.USER, content, at);
    }

    /** An assistant turn. */
    public static ConversationTurn assistant(String content, Instant at) {
        return new ConversationTurn(Role.ASSISTANT, content, at);
    }

    /** Never shows the content, which is user data. */
    @Override
    public String toString() {
        return "ConversationTurn[" + role + ", " + content.length() + " chars, " + at + "]";
    }
}
