package dev.voxwire.server.rooms;

import dev.voxwire.core.reliability.Checks;
import java.time.Duration;

/**
 * Settings of the {@link RoomsHandler}. Immutable; {@link #toBuilder()} for variants. Rate limits
 * of {@code message:send}, {@code user:typing} and {@code presence:update} are server settings
 * ({@code ServerConfig.rateLimits()}).
 */
public final class RoomsConfig {
    /** A typing indicator ends by itself this long after the last {@code typing:true}: 5 s. */
    public static final Duration DEFAULT_TYPING_TIMEOUT = Duration.ofSeconds(5);
    /** A user whose last connection went away is announced offline after this: 10 s. */
    public static final Duration DEFAULT_PRESENCE_TTL = Duration.ofSeconds(10);
    /** Publications kept per room for catch-up ({@code room:join} with {@code since}): 100. */
    public static final int DEFAULT_ROOM_HISTORY_SIZE = 100;
    /**
     * A room without members keeps its history this long after its last publication, then is
     * forgotten (a later catch-up gets a new epoch): 10 minutes.
     */
    public static final Duration DEFAULT_ROOM_HISTORY_TTL = Duration.ofMinutes(10);
    /** Messages kept by the default in-memory store: 10,000. */
    public static final int DEFAULT_MAX_MESSAGES = 10_000;
    /** Longest message content in characters: 4,000. */
    public static final int DEFAULT_MAX_CONTENT_CHARS = 4000;
    /** Longest channel name in characters: 80. */
    public static final int DEFAULT_MAX_CHANNEL_NAME_CHARS = 80;

    private static final RoomsConfig DEFAULTS = builder().build();

    private final Duration typingTimeout;
    private final Duration presenceTtl;
    private final int roomHistorySize;
    private final Duration roomHistoryTtl;
    private final int maxMessages;
    private final int maxContentChars;
    private final int maxChannelNameChars;

    private RoomsConfig(Builder b) {
        this.typingTimeout = b.typingTimeout;
        this.presenceTtl = b.presenceTtl;
        this.roomHistorySize = b.roomHistorySize;
        this.roomHistoryTtl = b.roomHistoryTtl;
        this.maxMessages = b.maxMessages;
        this.maxContentChars = b.maxContentChars;
        this.maxChannelNameChars = b.maxChannelNameChars;
    }

    /** Every default. */
    public static RoomsConfig ofDefaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.typingTimeout = typingTimeout;
        b.presenceTtl = presenceTtl;
        b.roomHistorySize = roomHistorySize;
        b.roomHistoryTtl = roomHistoryTtl;
        b.maxMessages = maxMessages;
        b.maxContentChars = maxContentChars;
        b.maxChannelNameChars = maxChannelNameChars;
        return b;
    }

    /** How long a typing indicator lasts without a new {@code typing:true} ({@code expiresInMs}). */
    public Duration typingTimeout() { return typingTimeout; }
    /** How long a connection that went away still counts for presence. */
    public Duration presenceTtl() { return presenceTtl; }
    /** Publications kept per room. */
    public int roomHistorySize() { return roomHistorySize; }
    /** How long a room without members keeps its history after its last publication. */
    public Duration roomHistoryTtl() { return roomHistoryTtl; }
    /** Messages kept by the default store. */
    public int maxMessages() { return maxMessages; }
    /** Longest message content in characters. */
    public int maxContentChars() { return maxContentChars; }
    /** Longest channel name in characters. */
    public int maxChannelNameChars() { return maxChannelNameChars; }

    @Override
    public String toString() {
        return "RoomsConfig{typingTimeout=" + typingTimeout + ", presenceTtl=" + presenceTtl + ", roomHistorySize="
                + roomHistorySize + ", roomHistoryTtl=" + roomHistoryTtl + ", maxMessages=" + maxMessages + ", maxContentChars=" + maxContentChars
                + ", maxChannelNameChars=" + maxChannelNameChars + "}";
    }

    /** Builds a {@link RoomsConfig}; every setter checks its argument at once. */
    public static final class Builder {
        private Duration typingTimeout = DEFAULT_TYPING_TIMEOUT;
        private Duration presenceTtl = DEFAULT_PRESENCE_TTL;
        private int roomHistorySize = DEFAULT_ROOM_HISTORY_SIZE;
        private Duration roomHistoryTtl = DEFAULT_ROOM_HISTORY_TTL;
        private int maxMessages = DEFAULT_MAX_MESSAGES;
        private int maxContentChars = DEFAULT_MAX_CONTENT_CHARS;
        private int maxChannelNameChars = DEFAULT_MAX_CHANNEL_NAME_CHARS;

        private Builder() {
        }

        public Builder typingTimeout(Duration typingTimeout) {
            this.typingTimeout = Checks.positive(typingTimeout, "typingTimeout");
            return this;
        }

        public Builder presenceTtl(Duration presenceTtl) {
            this.presenceTtl = Checks.nonNegative(presenceTtl, "presenceTtl");
            return this;
        }

        public Builder roomHistorySize(int roomHistorySize) {
            this.roomHistorySize = Checks.positive(roomHistorySize, "roomHistorySize");
            return this;
        }

        public Builder roomHistoryTtl(Duration roomHistoryTtl) {
            this.roomHistoryTtl = Checks.positive(roomHistoryTtl, "roomHistoryTtl");
            return this;
        }

        public Builder maxMessages(int maxMessages) {
            this.maxMessages = Checks.positive(maxMessages, "maxMessages");
            return this;
        }

        public Builder maxContentChars(int maxContentChars) {
            this.maxContentChars = Checks.positive(maxContentChars, "maxContentChars");
            return this;
        }

        public Builder maxChannelNameChars(int maxChannelNameChars) {
            this.maxChannelNameChars = Checks.positive(maxChannelNameChars, "maxChannelNameChars");
            return this;
        }

        public RoomsConfig build() {
            return new RoomsConfig(this);
        }
    }
}
