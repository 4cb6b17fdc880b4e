package dev.voxwire.core.reliability;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** TEMP stub (replaced at merge): per-event-type rate limits. */
public final class RateLimits {
    /** One limit: {@code permits} per {@code period}. */
    public record Limit(int permits, Duration period) {
        public Limit {
            Checks.positive(permits, "permits");
            Checks.positive(period, "period");
        }
    }

    private final Map<String, Limit> limits;

    private RateLimits(Map<String, Limit> limits) {
        this.limits = Map.copyOf(limits);
    }

    /** message:send 60/min, user:typing 10/min, presence:update 30/min, connect 10/min. */
    public static RateLimits ofDefaults() {
        return builder().limit("message:send", 60, Duration.ofMinutes(1))
                .limit("user:typing", 10, Duration.ofMinutes(1))
                .limit("presence:update", 30, Duration.ofMinutes(1))
                .limit("connect", 10, Duration.ofMinutes(1))
                .build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The limit of {@code type}, if any. */
    public Optional<Limit> limit(String type) {
        return Optional.ofNullable(limits.get(type));
    }

    @Override
    public String toString() {
        return "RateLimits" + limits;
    }

    /** Builds {@link RateLimits}. */
    public static final class Builder {
        private final Map<String, Limit> limits = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder limit(String type, int permits, Duration period) {
            limits.put(requireNonNull(type, "type"), new Limit(permits, period));
            return this;
        }

        public RateLimits build() {
            return new RateLimits(limits);
        }
    }
}
