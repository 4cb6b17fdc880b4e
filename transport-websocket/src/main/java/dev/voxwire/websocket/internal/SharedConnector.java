package dev.voxwire.websocket.internal;

import dev.voxwire.websocket.connect.WebSocketConnector;

/** The connector shared by transports built without one: created on first use, daemon threads, never closed. */
public final class SharedConnector {
    private SharedConnector() {
    }

    private static final class Holder {
        static final WebSocketConnector INSTANCE = WebSocketConnector.create();
    }

    /** The shared connector. */
    public static WebSocketConnector get() {
        return Holder.INSTANCE;
    }
}
