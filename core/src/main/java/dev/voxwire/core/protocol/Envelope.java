package dev.voxwire.core.protocol;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * One protocol event: the JSON object carried by a WebSocket text frame or an SSE
 * {@code data:} field ({@code docs/protocol.md}).
 *
 * <pre>{"type":"message:send","id":"c-42","seq":17,"ts":"2026-01-28T10:30:00Z",
 *  "room":"channel:general","payload":{"content":"hello"}}</pre>
 *
 * <p>Immutable by contract: the payload node must not be modified once the envelope exists
 * (use {@link #withPayload}). Build with {@link #of} and the {@code with*} methods.
 */
public record Envelope(
        String type,
        @Nullable String id,
        @Nullable Long seq,
        @Nullable Instant ts,
        @Nullable String room,
        ObjectNode payload) {

    public Envelope {
        requireNonNull(type, "type");
        requireNonNull(payload, "payload");
    }

    /** An envelope with a type and an empty payload. */
    public static Envelope of(String type) {
        return new Envelope(type, null, null, null, null, JsonNodeFactory.instance.objectNode());
    }

    /** An envelope with a type and a payload. */
    public static Envelope of(String type, ObjectNode payload) {
        return new Envelope(type, null, null, null, null, payload);
    }

    /** A copy with {@code id} set. */
    public Envelope withId(@Nullable String id) {
        return new Envelope(type, id, seq, ts, room, payload);
    }

    /** A copy with {@code seq} set. */
    public Envelope withSeq(long seq) {
        return new Envelope(type, id, seq, ts, room, payload);
    }

    /** A copy with {@code ts} set. */
    public Envelope withTs(@Nullable Instant ts) {
        return new Envelope(type, id, seq, ts, room, payload);
    }

    /** A copy with {@code room} set. */
    public Envelope withRoom(@Nullable String room) {
        return new Envelope(type, id, seq, ts, room, payload);
    }

    /** A copy with another payload. */
    public Envelope withPayload(ObjectNode payload) {
        return new Envelope(type, id, seq, ts, room, payload);
    }

    /** The sequence number, when set (server-to-client events). */
    public OptionalLong seqOpt() {
        return seq == null ? OptionalLong.empty() : OptionalLong.of(seq);
    }

    /** A text field of the payload, when present and textual. */
    public Optional<String> text(String field) {
        JsonNode n = payload.get(field);
        return n != null && n.isTextual() ? Optional.of(n.asText()) : Optional.empty();
    }

    /** The {@code requestId} of the payload: the id of the request that caused this event. */
    public Optional<String> requestId() {
        return text("requestId");
    }

    /** Whether this is an {@code error} event. */
    public boolean isError() {
        return EventTypes.ERROR.equals(type);
    }
}
