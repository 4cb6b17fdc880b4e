package dev.voxwire.core.reliability;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The answer of {@link EventRateLimiter#tryAcquire}: allowed, or refused with the time after
 * which a retry will be allowed (the {@code retryAfter} of a {@code RATE_LIMITED} error).
 *
 * @param allowed whether the event may go
 * @param retryAfter {@link Duration#ZERO} when allowed; otherwise how long until a permit is free
 */
public record RateLimitDecision(boolean allowed, Duration retryAfter) {
    private static final RateLimitDecision ALLOWED = new RateLimitDecision(true, Duration.ZERO);

    public RateLimitDecision {
        requireNonNull(retryAfter, "retryAfter");
        if (allowed && !retryAfter.isZero()) {
            throw new IllegalArgumentException("retryAfter: " + retryAfter + " (expected: ZERO when allowed)");
        }
        if (!allowed && (retryAfter.isNegative() || retryAfter.isZero())) {
            throw new IllegalArgumentException("retryAfter: " + retryAfter + " (expected: > 0 when refused)");
        }
    }

    /** An allowed decision. */
    public static RateLimitDecision allow() {
        return ALLOWED;
    }

    /** A refusal; retry after {@code retryAfter}. */
    public static RateLimitDecision refuse(Duration retryAfter) {
        return new RateLimitDecision(false, retryAfter);
    }
}
