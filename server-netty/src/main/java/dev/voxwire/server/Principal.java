package dev.voxwire.server;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Who a connection belongs to, as established by an {@link Authenticator}. Never holds the token. */
public final class Principal {
    private final String userId;
    private final @Nullable Instant expiresAt;

    private Principal(String userId, @Nullable Instant expiresAt) {
        requireNonNull(userId, "userId");
        if (userId.isBlank()) {
            throw new IllegalArgumentException("userId: '" + userId + "' (expected: not blank)");
        }
        this.userId = userId;
        this.expiresAt = expiresAt;
    }

    /** A principal without expiry. */
    public static Principal of(String userId) {
        return new Principal(userId, null);
    }

    /** A principal whose credentials expire at {@code expiresAt}. */
    public static Principal of(String userId, @Nullable Instant expiresAt) {
        return new Principal(userId, expiresAt);
    }

    /** The user id (a JWT's {@code sub}). */
    public String userId() {
        return userId;
    }

    /** When the credentials expire, if they do. */
    public Optional<Instant> expiresAt() {
        return Optional.ofNullable(expiresAt);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Principal p && p.userId.equals(userId) && java.util.Objects.equals(p.expiresAt, expiresAt);
    }

    @Override
    public int hashCode() {
        return userId.hashCode();
    }

    @Override
    public String toString() {
        return "Principal{userId=" + userId + (expiresAt == null ? "" : ", expiresAt=" + expiresAt) + "}";
    }
}
