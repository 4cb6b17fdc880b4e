package dev.voxwire.core.reliability;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Emission limits per event type: at most {@link Limit#permits()} events per
 * {@link Limit#period()} for each key (connection, user). A type without a limit is never
 * limited. {@code "connect"} is the pseudo-type for connection attempts. Enforced by
 * {@link EventRateLimiter}, which keeps at most {@link #maxKeys()} buckets.
 *
 * <p>Immutable; {@link #toBuilder()} for variants.
 */
public final class RateLimits {
    /** The pseudo event type of connection attempts. */
    public static final String CONNECT = "connect";
    public static final Limit DEFAULT_MESSAGE_SEND = Limit.of(60, Duration.ofMinutes(1));
    public static final Limit DEFAULT_USER_TYPING = Limit.of(10, Duration.ofMinutes(1));
    public static final Limit DEFAULT_PRESENCE_UPDATE = Limit.of(30, Duration.ofMinutes(1));
    public static final Limit DEFAULT_CONNECT = Limit.of(10, Duration.ofMinutes(1));
    /** Default bound on the buckets an {@link EventRateLimiter} keeps. */
    public static final int DEFAULT_MAX_KEYS = 100_000;

    private static final RateLimits DEFAULTS = builder()
            .limit("message:send", DEFAULT_MESSAGE_SEND)
            .limit("user:typing", DEFAULT_USER_TYPING)
            .limit("presence:update", DEFAULT_PRESENCE_UPDATE)
            .limit(CONNECT, DEFAULT_CONNECT)
            .build();
    private static final RateLimits NONE = builder().build();

    /**
     * A limit: {@code permits} events per {@code period}, with bursts up to {@code permits}.
     *
     * @param permits events allowed per period, and the burst size
     * @param period the refill period
     */
    public record Limit(int permits, Duration period) {
        public Limit {
            Checks.positive(permits, "permits");
            Checks.positive(period, "period");
        }

        /** {@code permits} events per {@code period}. */
        public static Limit of(int permits, Duration period) {
            return new Limit(permits, period);
        }
    }

    private final Map<String, Limit> limits;
    private final int maxKeys;

    private RateLimits(Builder b) {
        this.limits = Collections.unmodifiableMap(new LinkedHashMap<>(b.limits));
        this.maxKeys = b.maxKeys;
    }

    /**
     * {@code message:send} 60/min, {@code user:typing} 10/min, {@code presence:update} 30/min,
     * {@code connect} 10/min.
     */
    public static RateLimits ofDefaults() {
        return DEFAULTS;
    }

    /** No limits at all. */
    public static RateLimits none() {
        return NONE;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.limits.putAll(limits);
        b.maxKeys = maxKeys;
        return b;
    }

    /** The limit of {@code eventType}, if it has one. */
    public Optional<Limit> limit(String eventType) {
        return Optional.ofNullable(limits.get(requireNonNull(eventType, "eventType")));
    }

    /** Every limit, by event type (unmodifiable). */
    public Map<String, Limit> limits() {
        return limits;
    }

    /** The most (key, type) buckets an {@link EventRateLimiter} keeps at once. */
    public int maxKeys() {
        return maxKeys;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RateLimits r && limits.equals(r.limits) && maxKeys == r.maxKeys;
    }

    @Override
    public int hashCode() {
        return limits.hashCode() * 31 + maxKeys;
    }

    @Override
    public String toString() {
        return "RateLimits{limits=" + limits + ", maxKeys=" + maxKeys + "}";
    }

    /** Builds {@link RateLimits}; every setter checks its argument at once. */
    public static final class Builder {
        private final Map<String, Limit> limits = new LinkedHashMap<>();
        private int maxKeys = DEFAULT_MAX_KEYS;

        private Builder() {
        }

        /** Limits {@code eventType} to {@code permits} per {@code period} (replacing any limit). */
        public Builder limit(String eventType, int permits, Duration period) {
            return limit(eventType, Limit.of(permits, period));
        }

        /** Limits {@code eventType} to {@code limit} (replacing any limit). */
        public Builder limit(String eventType, Limit limit) {
            requireNonNull(eventType, "eventType");
            if (eventType.isBlank()) {
                throw new IllegalArgumentException("eventType: '" + eventType + "' (expected: not blank)");
            }
            limits.put(eventType, requireNonNull(limit, "limit"));
            return this;
        }

        /** Removes the limit of {@code eventType}, so it is never limited. */
        public Builder unlimited(String eventType) {
            limits.remove(requireNonNull(eventType, "eventType"));
            return this;
        }

        /** The most (key, type) buckets kept at once; default {@value RateLimits#DEFAULT_MAX_KEYS}. */
        public Builder maxKeys(int maxKeys) {
            this.maxKeys = Checks.positive(maxKeys, "maxKeys");
            return this;
        }

        public RateLimits build() {
            return new RateLimits(this);
        }
    }
}
