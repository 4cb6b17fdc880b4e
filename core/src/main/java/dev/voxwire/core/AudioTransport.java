package dev.voxwire.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.protocol.Envelope;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A client connection to a Voxwire-speaking server (or an adapter such as Gemini Live) that
 * carries many requests at once.
 *
 * <p>One instance serves many requests: each {@link #send} gets a request id, and every event
 * caused by it carries that id, so responses are routed to the right {@link RequestHandle}.
 * Transport-wide events (state changes, reconnects, pushed messages) reach the listeners added
 * with {@link #onEvent}.
 *
 * <p>Implementations are thread-safe. Instances come from a {@link dev.voxwire.core.spi.TransportProvider},
 * usually through {@link Transports}.
 */
public interface AudioTransport extends AutoCloseable {
    /** How long {@link #close()} waits for an orderly close before giving up. */
    Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /** The provider name: {@code websocket}, {@code sse}, ... */
    String name();

    /**
     * Opens the connection. Completes when the transport is {@link ConnectionState#CONNECTED},
     * or exceptionally with a {@link VoxwireException} (for instance {@code CONNECTION_TIMEOUT} or
     * {@code AUTH_FAILED}). Calling it again returns the same stage.
     */
    CompletionStage<Void> connect();

    /**
     * Sends a request or event. An {@code id} is assigned when the envelope has none. While the
     * transport is reconnecting, the envelope waits in the bounded outbound queue and goes out
     * after the reconnect, exactly once. Never throws for transport problems: they complete the
     * handle's {@link RequestHandle#result()} exceptionally and are reported as events.
     */
    RequestHandle send(Envelope request);

    /**
     * Sends a request with {@code listener} already attached to its handle, so that it sees every
     * event of the request, even one that arrives before this method returns (a fast server, a
     * paused caller). {@link RequestHandle#onEvent} added after {@link #send(Envelope)} can miss
     * those. Transports on {@link dev.voxwire.core.transport.TransportEngine} (WebSocket, SSE) attach
     * it before the request goes out; this default attaches it right after {@code send} and is only
     * as good as that.
     */
    default RequestHandle send(Envelope request, TransportListener listener) {
        RequestHandle handle = send(request);
        handle.onEvent(listener);
        return handle;
    }

    /** Sends {@code type} with {@code payload}; see {@link #send(Envelope)}. */
    default RequestHandle send(String type, ObjectNode payload) {
        return send(Envelope.of(type, payload));
    }

    /** Sends an audio request (by default {@code audio:analyze}). */
    default RequestHandle sendAudio(AudioRequest request) {
        return send(request.toEnvelope());
    }

    /** Sends an audio request with {@code listener} attached; see {@link #send(Envelope, TransportListener)}. */
    default RequestHandle sendAudio(AudioRequest request, TransportListener listener) {
        return send(request.toEnvelope(), listener);
    }

    /** Adds a listener for every event of this transport. */
    Subscription onEvent(TransportListener listener);

    /** The current state. */
    ConnectionState state();

    /** A snapshot of this transport's health. */
    TransportHealth health();

    /**
     * Closes the transport: pending requests fail with {@link ErrorCode#CLOSED}, the connection,
     * its timers and buffers are released, and {@link TransportEvent.Closed} is the last event.
     * Idempotent.
     */
    CompletionStage<Void> closeAsync();

    /** Closes and waits up to {@link #DEFAULT_CLOSE_TIMEOUT}. */
    @Override
    default void close() {
        try {
            closeAsync().toCompletableFuture().get(DEFAULT_CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // close is best effort: the transport has released what it could
        }
    }
}
