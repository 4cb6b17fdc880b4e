package dev.voxwire.core.reliability;

import static java.util.Objects.requireNonNull;

/**
 * Bounds of a transport's outbound queue: at most {@link #maxMessages()} messages and
 * {@link #maxBytes()} bytes; what happens when full is {@link #overflow()}.
 */
public final class OutboundQueueConfig {
    public static final int DEFAULT_MAX_MESSAGES = 1_000;
    public static final long DEFAULT_MAX_BYTES = 16L * 1024 * 1024;
    public static final OverflowPolicy DEFAULT_OVERFLOW = OverflowPolicy.DROP_OLDEST_EPHEMERAL;

    /** What a full queue does with a new message. */
    public enum OverflowPolicy {
        /** Refuse the new message with {@code QUEUE_FULL}. */
        REJECT,
        /**
         * Make room by dropping the oldest {@link Priority#EPHEMERAL} messages; if there are none
         * (or the new message is itself ephemeral and nothing else can go), refuse it with
         * {@code QUEUE_FULL}.
         */
        DROP_OLDEST_EPHEMERAL
    }

    private static final OutboundQueueConfig DEFAULTS = builder().build();

    private final int maxMessages;
    private final long maxBytes;
    private final OverflowPolicy overflow;

    private OutboundQueueConfig(Builder b) {
        this.maxMessages = b.maxMessages;
        this.maxBytes = b.maxBytes;
        this.overflow = b.overflow;
    }

    /** 1,000 messages, 16 MiB, drop oldest ephemeral. */
    public static OutboundQueueConfig ofDefaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().maxMessages(maxMessages).maxBytes(maxBytes).overflow(overflow);
    }

    public int maxMessages() {
        return maxMessages;
    }

    public long maxBytes() {
        return maxBytes;
    }

    public OverflowPolicy overflow() {
        return overflow;
    }

    @Override
    public String toString() {
        return "OutboundQueueConfig{maxMessages=" + maxMessages + ", maxBytes=" + maxBytes + ", overflow=" + overflow + "}";
    }

    /** Builds an {@link OutboundQueueConfig}. */
    public static final class Builder {
        private int maxMessages = DEFAULT_MAX_MESSAGES;
        private long maxBytes = DEFAULT_MAX_BYTES;
        private OverflowPolicy overflow = DEFAULT_OVERFLOW;

        private Builder() {
        }

        public Builder maxMessages(int maxMessages) {
            this.maxMessages = Checks.positive(maxMessages, "maxMessages");
            return this;
        }

        public Builder maxBytes(long maxBytes) {
            this.maxBytes = Checks.positive(maxBytes, "maxBytes");
            return this;
        }

        public Builder overflow(OverflowPolicy overflow) {
            this.overflow = requireNonNull(overflow, "overflow");
            return this;
        }

        public OutboundQueueConfig build() {
            return new OutboundQueueConfig(this);
        }
    }
}
