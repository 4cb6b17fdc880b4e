package dev.voxwire.core.transport;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What one connect attempt needs besides the transport's configuration: the token of this attempt,
 * its number, and for {@link ResumeStyle#AT_OPEN} links the session to resume. Immutable;
 * {@link #toString()} never shows the token.
 */
public final class LinkOpenRequest {
    private final @Nullable String token;
    private final int attempt;
    private final @Nullable ResumePoint resumeFrom;

    /** A session and the last {@code seq} seen on it. */
    public record ResumePoint(String sessionId, long lastSeq) {
        public ResumePoint {
            requireNonNull(sessionId, "sessionId");
        }
    }

    private LinkOpenRequest(@Nullable String token, int attempt, @Nullable ResumePoint resumeFrom) {
        this.token = token;
        this.attempt = attempt;
        this.resumeFrom = resumeFrom;
    }

    /**
     * A request.
     *
     * @param token the token, or {@code null} for none
     * @param attempt 0 for the first connect, then the reconnect attempt number
     * @param resumeFrom the session to resume, or {@code null}
     */
    public static LinkOpenRequest of(@Nullable String token, int attempt, @Nullable ResumePoint resumeFrom) {
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt: " + attempt + " (expected: >= 0)");
        }
        return new LinkOpenRequest(token, attempt, resumeFrom);
    }

    /**
     * The token from {@link dev.voxwire.core.TransportConfig#tokenSupplier()}, asked for this
     * attempt; present it as the transport does (usually {@code Authorization: Bearer}). Never log it.
     */
    public Optional<String> token() {
        return Optional.ofNullable(token);
    }

    /** 0 for the first connect, then the reconnect attempt number (1-based, per reconnect loop). */
    public int attempt() {
        return attempt;
    }

    /** Whether this is a reconnect (not the first connect). */
    public boolean isReconnect() {
        return attempt > 0;
    }

    /**
     * The session to resume: set for {@link ResumeStyle#AT_OPEN} links on a reconnect when
     * {@link dev.voxwire.core.TransportConfig#resume()} is on and a session is known.
     */
    public Optional<ResumePoint> resumeFrom() {
        return Optional.ofNullable(resumeFrom);
    }

    @Override
    public String toString() {
        return "LinkOpenRequest{token=" + (token == null ? "none" : "<redacted>") + ", attempt=" + attempt
                + ", resumeFrom=" + resumeFrom + "}";
    }
}
