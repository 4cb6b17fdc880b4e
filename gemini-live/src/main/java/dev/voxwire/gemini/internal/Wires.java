package dev.voxwire.gemini.internal;

/** The default {@link Wire}. */
public final class Wires {
    private Wires() {
    }

    /** A wire over the WebSocket connector, with its own event loop. */
    public static Wire connector() {
        throw new UnsupportedOperationException("connector not merged yet");
    }
}
