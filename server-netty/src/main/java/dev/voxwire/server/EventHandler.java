package dev.voxwire.server;

import dev.voxwire.core.protocol.Envelope;
import java.util.Set;

/**
 * Serves one or more client event types (such as {@code audio:analyze}). The server decodes and
 * validates each incoming envelope, finds the handler registered for its type and calls
 * {@link #handle} with a {@link RequestContext} through which every answer goes, so that the same
 * handler serves WebSocket and SSE clients identically.
 *
 * <p>Threading: {@code handle} is called on the connection's event loop and must return quickly.
 * Slow work (decoding audio, calling an engine) runs on {@link RequestContext#worker()} and
 * answers through the context from there; the context is thread-safe.
 */
public interface EventHandler {
    /** The event types this handler serves. */
    Set<String> types();

    /** Handles one request. Exceptions thrown here become a {@code SERVER_ERROR} for this request. */
    void handle(Envelope request, RequestContext ctx);
}
