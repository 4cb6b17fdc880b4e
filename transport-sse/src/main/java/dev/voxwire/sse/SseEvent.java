package dev.voxwire.sse;

import static java.util.Objects.requireNonNull;

/**
 * One dispatched Server-Sent Event, as the WHATWG "event stream interpretation" defines it.
 *
 * @param type the {@code event} field, or {@code message} when the event had none
 * @param data the {@code data} lines joined with {@code \n} (the trailing newline removed)
 * @param lastEventId the last event id of the stream when this event was dispatched (persists
 *     across events; empty when no {@code id} was ever set)
 */
public record SseEvent(String type, String data, String lastEventId) {
    /** The type of events without an {@code event} field. */
    public static final String DEFAULT_TYPE = "message";

    public SseEvent {
        requireNonNull(type, "type");
        requireNonNull(data, "data");
        requireNonNull(lastEventId, "lastEventId");
    }
}
