package dev.voxwire.server.internal;

import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.protocol.EnvelopeCodec;

/**
 * An event serialized once for many sessions (room fan-out). {@link #json} is the whole envelope
 * without {@code seq} ({@code {"type":...}}); a WebSocket session writes the small per-session
 * prefix <code>{"seq":N,</code> followed by the same {@code json} bytes from the second byte on,
 * so the body is shared by every member and never copied.
 */
public final class SharedEvent {
    private final Envelope envelope;
    private final byte[] json;

    private SharedEvent(Envelope envelope, byte[] json) {
        this.envelope = envelope;
        this.json = json;
    }

    /** Encodes {@code event} (its {@code ts} must be set; its {@code seq} is ignored). */
    public static SharedEvent encode(EnvelopeCodec codec, Envelope event) {
        Envelope e = new Envelope(event.type(), event.id(), null, event.ts(), event.room(), event.payload());
        byte[] json = codec.encode(e);
        if (json.length < 2 || json[0] != '{' || json[1] != '"') {
            throw new IllegalStateException("unexpected envelope encoding for " + event.type());
        }
        return new SharedEvent(e, json);
    }

    /** The event (with {@code ts}, without {@code seq}). */
    public Envelope envelope() {
        return envelope;
    }

    /** The shared JSON bytes (do not modify). */
    byte[] json() {
        return json;
    }
}
