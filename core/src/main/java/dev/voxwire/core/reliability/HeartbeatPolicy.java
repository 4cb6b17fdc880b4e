package dev.voxwire.core.reliability;

import java.time.Duration;

/**
 * How a transport checks that its connection is alive: a ping every {@link #interval()}; a ping
 * unanswered after {@link #pongTimeout()} counts as missed; {@link #missedThreshold()} misses in a
 * row drop the connection (and trigger a reconnect). With the defaults a half-open connection is
 * detected within two intervals.
 *
 * <p>Immutable; {@link #toBuilder()} for variants.
 */
public final class HeartbeatPolicy {
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_PONG_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MISSED_THRESHOLD = 2;

    private static final HeartbeatPolicy DEFAULTS = builder().build();
    private static final HeartbeatPolicy DISABLED = builder().enabled(false).build();

    private final boolean enabled;
    private final Duration interval;
    private final Duration pongTimeout;
    private final int missedThreshold;

    private HeartbeatPolicy(Builder b) {
        this.enabled = b.enabled;
        this.interval = b.interval;
        this.pongTimeout = b.pongTimeout;
        this.missedThreshold = b.missedThreshold;
    }

    /** Ping every 30 s, 10 s to answer, dropped after 2 misses. */
    public static HeartbeatPolicy ofDefaults() {
        return DEFAULTS;
    }

    /** No heartbeat. */
    public static HeartbeatPolicy disabled() {
        return DISABLED;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.enabled = enabled;
        b.interval = interval;
        b.pongTimeout = pongTimeout;
        b.missedThreshold = missedThreshold;
        return b;
    }

    public boolean enabled() {
        return enabled;
    }

    public Duration interval() {
        return interval;
    }

    public Duration pongTimeout() {
        return pongTimeout;
    }

    public int missedThreshold() {
        return missedThreshold;
    }

    @Override
    public String toString() {
        return "HeartbeatPolicy{enabled=" + enabled + ", interval=" + interval + ", pongTimeout=" + pongTimeout
                + ", missedThreshold=" + missedThreshold + "}";
    }

    /** Builds a {@link HeartbeatPolicy}. */
    public static final class Builder {
        private boolean enabled = true;
        private Duration interval = DEFAULT_INTERVAL;
        private Duration pongTimeout = DEFAULT_PONG_TIMEOUT;
        private int missedThreshold = DEFAULT_MISSED_THRESHOLD;

        private Builder() {
        }

        public Builder enabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        public Builder interval(Duration interval) {
            this.interval = Checks.positive(interval, "interval");
            return this;
        }

        public Builder pongTimeout(Duration pongTimeout) {
            this.pongTimeout = Checks.positive(pongTimeout, "pongTimeout");
            return this;
        }

        public Builder missedThreshold(int missedThreshold) {
            this.missedThreshold = Checks.positive(missedThreshold, "missedThreshold");
            return this;
        }

        public HeartbeatPolicy build() {
            if (pongTimeout.compareTo(interval) > 0) {
                throw new IllegalArgumentException(
                        "pongTimeout: " + pongTimeout + " (expected: <= interval " + interval + ")");
            }
            return new HeartbeatPolicy(this);
        }
    }
}
