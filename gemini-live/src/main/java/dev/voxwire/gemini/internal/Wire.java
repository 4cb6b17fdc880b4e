package dev.voxwire.gemini.internal;

import dev.voxwire.core.ProxyOptions;
import dev.voxwire.core.TlsOptions;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The small slice of a WebSocket client the Live session needs, so that the session logic can
 * be tested without sockets and does not depend on one connector's API.
 */
public interface Wire extends AutoCloseable {

    /** What to connect to. {@code headers} may hold secrets: never log them. */
    record Request(URI uri, Map<String, List<String>> headers, TlsOptions tls, ProxyOptions proxy,
            Duration connectTimeout) {
        @Override
        public String toString() {
            return "Wire.Request{uri=" + Secrets.redactUri(uri) + ", headers=" + headers.keySet() + "}";
        }
    }

    /** Callbacks of one connection; run on its I/O thread, one at a time; must not block. */
    interface Listener {
        /** A text or binary message, as text (binary frames are decoded as UTF-8). */
        void onMessage(String text);

        /** The connection ended (1006 without a close frame); the last callback, exactly once. */
        void onClosed(int code, String reason);
    }

    /** One open connection. */
    interface Connection {
        /** Writes one text message. */
        CompletableFuture<Void> sendText(String text);

        /** Starts the close handshake; completes when the connection is closed. */
        CompletableFuture<Void> close(int code, String reason);
    }

    /** Opens a connection; fails with a {@link dev.voxwire.core.VoxwireException} when it cannot. */
    CompletableFuture<Connection> open(Request request, Listener listener);

    /** Releases the wire's resources (event loops it owns). */
    @Override
    void close();
}
