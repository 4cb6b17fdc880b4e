package dev.voxwire.server.live;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A client's {@code live:start}: who asks, and the options it sent.
 *
 * @param userId the authenticated user
 * @param sessionId the client session
 * @param responseModalities {@code TEXT} and/or {@code AUDIO}; empty means the backend's default
 * @param systemInstruction an optional system instruction
 */
public record LiveStart(String userId, String sessionId, List<String> responseModalities,
        @Nullable String systemInstruction) {
    public LiveStart {
        requireNonNull(userId, "userId");
        requireNonNull(sessionId, "sessionId");
        responseModalities = List.copyOf(responseModalities);
    }

    /** The system instruction, when one was sent. */
    public Optional<String> instruction() {
        return Optional.ofNullable(systemInstruction);
    }
}
