package dev.voxwire.core;

import dev.voxwire.core.protocol.Envelope;
import java.util.concurrent.CompletionStage;

/**
 * One request in flight on an {@link AudioTransport}.
 *
 * <p>{@link #result()} completes with the request's final event (such as
 * {@code analysis:result}), or exceptionally with a {@link VoxwireException} carrying the error
 * code (an {@code error} event for this request, a closed transport, a cancellation). For event
 * types that the server does not answer, it completes once the event is written.
 */
public interface RequestHandle {
    /** The request id; every event caused by the request carries it. */
    String id();

    /** The request as it was sent, with its id. */
    Envelope request();

    /** Completes once the request has been written to the connection. */
    CompletionStage<Void> sent();

    /** The final event of the request. */
    CompletionStage<Envelope> result();

    /**
     * Adds a listener for this request's events (progress, result, error, informational
     * messages). Events that arrived before the listener was added are not replayed: to see every
     * event, give the listener to {@link AudioTransport#send(dev.voxwire.core.protocol.Envelope,
     * TransportListener)} instead.
     */
    Subscription onEvent(TransportListener listener);

    /**
     * Cancels the request: the server is told ({@code request:cancel}), no further events for
     * it reach listeners, and {@link #result()} fails with {@link ErrorCode#CANCELLED}. Returns
     * {@code false} when the request had already ended.
     */
    boolean cancel();
}
