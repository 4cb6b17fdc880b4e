package dev.voxwire.gemini;

import static java.util.Objects.requireNonNull;

/**
 * One turn of conversation history for {@link LiveSession#sendClientContent}: a role
 * ({@code user} or {@code model}) and its text.
 *
 * @param role {@code user} or {@code model}
 * @param text the turn's text
 */
public record Content(String role, String text) {
    public Content {
        requireNonNull(role, "role");
        requireNonNull(text, "text");
        if (!role.equals("user") && !role.equals("model")) {
            throw new IllegalArgumentException("role: '" + role + "' (expected: user or model)");
        }
    }

    /** A user turn. */
    public static Content user(String text) {
        return new Content("user", text);
    }

    /** A model turn. */
    public static Content model(String text) {
        return new Content("model", text);
    }
}
