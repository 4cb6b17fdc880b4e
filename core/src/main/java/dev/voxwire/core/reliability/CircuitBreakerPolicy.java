package dev.voxwire.core.reliability;

import java.time.Duration;
import java.util.Objects;

/**
 * When connect attempts are short-circuited: after {@link #failureThreshold()} consecutive
 * failed attempts the breaker opens for {@link #openDuration()}, during which no attempt is
 * made ({@link dev.voxwire.core.ErrorCode#CIRCUIT_OPEN}); then it lets
 * {@link #halfOpenPermits()} trial attempts through (half-open) and closes again if one of them
 * succeeds, or reopens if they all fail.
 *
 * <p>Immutable; {@link #toBuilder()} for variants.
 */
public final class CircuitBreakerPolicy {
    public static final int DEFAULT_FAILURE_THRESHOLD = 5;
    public static final Duration DEFAULT_OPEN_DURATION = Duration.ofSeconds(30);
    public static final int DEFAULT_HALF_OPEN_PERMITS = 1;

    private static final CircuitBreakerPolicy DEFAULTS = builder().build();
    private static final CircuitBreakerPolicy DISABLED = builder().enabled(false).build();

    private final boolean enabled;
    private final int failureThreshold;
    private final Duration openDuration;
    private final int halfOpenPermits;

    private CircuitBreakerPolicy(Builder b) {
        this.enabled = b.enabled;
        this.failureThreshold = b.failureThreshold;
        this.openDuration = b.openDuration;
        this.halfOpenPermits = b.halfOpenPermits;
    }

    /** Opens after 5 consecutive failures, for 30 s, then 1 trial attempt. */
    public static CircuitBreakerPolicy ofDefaults() {
        return DEFAULTS;
    }

    /** A breaker that never opens. */
    public static CircuitBreakerPolicy disabled() {
        return DISABLED;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.enabled = enabled;
        b.failureThreshold = failureThreshold;
        b.openDuration = openDuration;
        b.halfOpenPermits = halfOpenPermits;
        return b;
    }

    /** Whether the breaker can open at all. */
    public boolean enabled() {
        return enabled;
    }

    /** Consecutive failures that open the breaker. */
    public int failureThreshold() {
        return failureThreshold;
    }

    /** How long the breaker stays open before letting trial attempts through. */
    public Duration openDuration() {
        return openDuration;
    }

    /** Trial attempts allowed while half-open. */
    public int halfOpenPermits() {
        return halfOpenPermits;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CircuitBreakerPolicy p
                && enabled == p.enabled
                && failureThreshold == p.failureThreshold
                && openDuration.equals(p.openDuration)
                && halfOpenPermits == p.halfOpenPermits;
    }

    @Override
    public int hashCode() {
        return Objects.hash(enabled, failureThreshold, openDuration, halfOpenPermits);
    }

    @Override
    public String toString() {
        return "CircuitBreakerPolicy{enabled=" + enabled + ", failureThreshold=" + failureThreshold
                + ", openDuration=" + openDuration + ", halfOpenPermits=" + halfOpenPermits + "}";
    }

    /** Builds a {@link CircuitBreakerPolicy}; every setter checks its argument at once. */
    public static final class Builder {
        private boolean enabled = true;
        private int failureThreshold = DEFAULT_FAILURE_THRESHOLD;
        private Duration openDuration = DEFAULT_OPEN_DURATION;
        private int halfOpenPermits = DEFAULT_HALF_OPEN_PERMITS;

        private Builder() {
        }

        public Builder enabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        public Builder failureThreshold(int failureThreshold) {
            this.failureThreshold = Checks.positive(failureThreshold, "failureThreshold");
            return this;
        }

        public Builder openDuration(Duration openDuration) {
            Checks.positive(openDuration, "openDuration");
            if (openDuration.toMillis() < 1) {
                throw new IllegalArgumentException("openDuration: " + openDuration + " (expected: >= 1 ms)");
            }
            this.openDuration = openDuration;
            return this;
        }

        public Builder halfOpenPermits(int halfOpenPermits) {
            this.halfOpenPermits = Checks.positive(halfOpenPermits, "halfOpenPermits");
            return this;
        }

        public CircuitBreakerPolicy build() {
            return new CircuitBreakerPolicy(this);
        }
    }
}
