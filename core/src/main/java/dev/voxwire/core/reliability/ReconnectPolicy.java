package dev.voxwire.core.reliability;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.ErrorCode;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * When and how often a transport reconnects: exponential backoff with full jitter between
 * {@link #minDelay()} and a cap that doubles (by {@link #multiplier()}) per attempt up to
 * {@link #maxDelay()}; at most {@link #maxAttempts()} consecutive attempts; the attempt counter
 * resets once a connection has stayed up for {@link #stablePeriod()}. Non-retryable error codes
 * ({@link ErrorCode#retryable()} false) are never retried.
 *
 * <p>Immutable; {@link #toBuilder()} for variants.
 */
public final class ReconnectPolicy {
    public static final Duration DEFAULT_MIN_DELAY = Duration.ofMillis(250);
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(30);
    public static final double DEFAULT_MULTIPLIER = 2.0;
    public static final int DEFAULT_MAX_ATTEMPTS = 10;
    public static final Duration DEFAULT_STABLE_PERIOD = Duration.ofSeconds(30);

    private static final ReconnectPolicy DEFAULTS = builder().build();
    private static final ReconnectPolicy DISABLED = builder().enabled(false).build();

    private final boolean enabled;
    private final Duration minDelay;
    private final Duration maxDelay;
    private final double multiplier;
    private final int maxAttempts;
    private final Duration stablePeriod;

    private ReconnectPolicy(Builder b) {
        this.enabled = b.enabled;
        this.minDelay = b.minDelay;
        this.maxDelay = b.maxDelay;
        this.multiplier = b.multiplier;
        this.maxAttempts = b.maxAttempts;
        this.stablePeriod = b.stablePeriod;
    }

    /** The defaults: on, 250 ms to 30 s, x2, 10 attempts, stable after 30 s. */
    public static ReconnectPolicy ofDefaults() {
        return DEFAULTS;
    }

    /** Never reconnect. */
    public static ReconnectPolicy disabled() {
        return DISABLED;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.enabled = enabled;
        b.minDelay = minDelay;
        b.maxDelay = maxDelay;
        b.multiplier = multiplier;
        b.maxAttempts = maxAttempts;
        b.stablePeriod = stablePeriod;
        return b;
    }

    public boolean enabled() {
        return enabled;
    }

    public Duration minDelay() {
        return minDelay;
    }

    public Duration maxDelay() {
        return maxDelay;
    }

    public double multiplier() {
        return multiplier;
    }

    /** Consecutive attempts before giving up; 0 means no limit. */
    public int maxAttempts() {
        return maxAttempts;
    }

    public Duration stablePeriod() {
        return stablePeriod;
    }

    /** The upper bound of the delay before attempt {@code attempt} (1-based), without jitter. */
    public Duration ceiling(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt: " + attempt + " (expected: >= 1)");
        }
        double cap = minDelay.toNanos() * Math.pow(multiplier, attempt - 1);
        long capped = cap >= maxDelay.toNanos() ? maxDelay.toNanos() : (long) cap;
        return Duration.ofNanos(Math.max(capped, minDelay.toNanos()));
    }

    /**
     * The delay before attempt {@code attempt} (1-based): uniform in
     * [{@link #minDelay()}, {@link #ceiling(int)}] ("full jitter" above the floor).
     */
    public Duration delay(int attempt, RandomGenerator random) {
        requireNonNull(random, "random");
        long lo = minDelay.toNanos();
        long hi = ceiling(attempt).toNanos();
        return Duration.ofNanos(hi <= lo ? lo : lo + (long) (random.nextDouble() * (hi - lo)));
    }

    /** Whether to make attempt {@code attempt} (1-based) after a failure with {@code cause}. */
    public boolean shouldRetry(ErrorCode cause, int attempt) {
        requireNonNull(cause, "cause");
        return enabled && cause.retryable() && (maxAttempts == 0 || attempt <= maxAttempts);
    }

    @Override
    public String toString() {
        return "ReconnectPolicy{enabled=" + enabled + ", minDelay=" + minDelay + ", maxDelay=" + maxDelay
                + ", multiplier=" + multiplier + ", maxAttempts=" + maxAttempts + ", stablePeriod=" + stablePeriod + "}";
    }

    /** Builds a {@link ReconnectPolicy}; every setter checks its argument at once. */
    public static final class Builder {
        private boolean enabled = true;
        private Duration minDelay = DEFAULT_MIN_DELAY;
        private Duration maxDelay = DEFAULT_MAX_DELAY;
        private double multiplier = DEFAULT_MULTIPLIER;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration stablePeriod = DEFAULT_STABLE_PERIOD;

        private Builder() {
        }

        public Builder enabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        public Builder minDelay(Duration minDelay) {
            this.minDelay = Checks.positive(minDelay, "minDelay");
            return this;
        }

        public Builder maxDelay(Duration maxDelay) {
            this.maxDelay = Checks.positive(maxDelay, "maxDelay");
            return this;
        }

        public Builder multiplier(double multiplier) {
            if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
                throw new IllegalArgumentException("multiplier: " + multiplier + " (expected: >= 1.0)");
            }
            this.multiplier = multiplier;
            return this;
        }

        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 0) {
                throw new IllegalArgumentException("maxAttempts: " + maxAttempts + " (expected: >= 0, 0 = no limit)");
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        public Builder stablePeriod(Duration stablePeriod) {
            this.stablePeriod = Checks.positive(stablePeriod, "stablePeriod");
            return this;
        }

        public ReconnectPolicy build() {
            if (maxDelay.compareTo(minDelay) < 0) {
                throw new IllegalArgumentException(
                        "maxDelay: " + maxDelay + " (expected: >= minDelay " + minDelay + ")");
            }
            return new ReconnectPolicy(this);
        }
    }
}
