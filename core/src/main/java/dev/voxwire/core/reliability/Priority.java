package dev.voxwire.core.reliability;

/** Outbound priority, highest first. Ephemeral events (typing) are the first to be dropped. */
public enum Priority {
    /** Protocol control: pings, resume, cancel. */
    CONTROL,
    /** Audio chunks and audio requests. */
    AUDIO,
    /** Chat and conversation messages. */
    MESSAGE,
    /** Events whose loss does no harm: typing, presence hints. */
    EPHEMERAL
}
