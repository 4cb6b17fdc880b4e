package dev.voxwire.core.transport;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What one connect attempt needs besides the transport's configuration.
 *
 * @param token the token from {@link dev.voxwire.core.TransportConfig#tokenSupplier()}, asked
 *     for this attempt; present it as the transport does (usually {@code Authorization: Bearer}).
 *     Never log it.
 * @param attempt 0 for the first connect, then the reconnect attempt number (1-based)
 * @param resumeFrom the session to resume, for {@link ResumeStyle#AT_OPEN} links on a reconnect
 *     with resume on and a known session
 */
public record LinkOpenRequest(@Nullable String token, int attempt, @Nullable ResumePoint resumeFrom) {

    /** A session and the last {@code seq} seen on it. */
    public record ResumePoint(String sessionId, long lastSeq) {
        public ResumePoint {
            requireNonNull(sessionId, "sessionId");
        }
    }

    /** The token, if the supplier gave one. */
    public Optional<String> tokenOpt() {
        return Optional.ofNullable(token);
    }

    /** The session to resume, if any. */
    public Optional<ResumePoint> resume() {
        return Optional.ofNullable(resumeFrom);
    }

    /** Whether this is a reconnect (not the first connect). */
    public boolean isReconnect() {
        return attempt > 0;
    }

    @Override
    public String toString() {
        return "LinkOpenRequest{token=" + (token == null ? "none" : "<redacted>") + ", attempt=" + attempt
                + ", resumeFrom=" + resumeFrom + "}";
    }
}
