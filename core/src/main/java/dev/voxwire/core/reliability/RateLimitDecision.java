package dev.voxwire.core.reliability;

import java.time.Duration;

/** TEMP stub (replaced at merge): the answer of {@link EventRateLimiter#tryAcquire}. */
public record RateLimitDecision(boolean allowed, Duration retryAfter) {
}
