package dev.voxwire.core.reliability;

import static java.util.Objects.requireNonNull;

/**
 * The default outbound {@link Priority} of an event type: {@code system:*}, {@code session:*}
 * and {@code request:cancel} are {@link Priority#CONTROL}; {@code audio:*} and
 * {@code live:audio} are {@link Priority#AUDIO}; {@code user:typing} and
 * {@code presence:update} are {@link Priority#EPHEMERAL}; everything else is
 * {@link Priority#MESSAGE}.
 */
public final class Priorities {
    private Priorities() {
    }

    /** The priority of events of type {@code eventType}. */
    public static Priority of(String eventType) {
        requireNonNull(eventType, "eventType");
        if (eventType.startsWith("system:") || eventType.startsWith("session:") || eventType.equals("request:cancel")) {
            return Priority.CONTROL;
        }
        if (eventType.startsWith("audio:") || eventType.equals("live:audio")) {
            return Priority.AUDIO;
        }
        if (eventType.equals("user:typing") || eventType.equals("presence:update")) {
            return Priority.EPHEMERAL;
        }
        return Priority.MESSAGE;
    }
}
