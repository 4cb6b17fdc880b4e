package dev.voxwire.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.ErrorCode;
import java.util.concurrent.Executor;

/**
 * One client request being served: the way a {@link EventHandler} answers it.
 *
 * <p>Every event sent through the context carries the request's id as {@code requestId} in its
 * payload. {@link #complete} and {@link #fail} end the request; after that, and after a
 * cancellation ({@code request:cancel} from the client, or the connection closing), further
 * events are silently dropped, so a handler never needs to check before sending. Thread-safe.
 */
public interface RequestContext {
    /** The request id: the envelope's {@code id}, or one the server assigned. */
    String requestId();

    /** The client session the request came from. */
    ClientSession session();

    /** Sends an intermediate event (such as {@code analysis:progress}) for this request. */
    void emit(String type, ObjectNode payload);

    /** Sends the final event (such as {@code analysis:result}) and ends the request. */
    void complete(String type, ObjectNode payload);

    /**
     * Ends the request with an {@code error} event: {@code code}, {@code message},
     * {@code retrySuggested} (from the code) and this {@code requestId}.
     */
    void fail(ErrorCode code, String message);

    /**
     * Ends the request without a final event, for fire-and-forget client events that the protocol
     * does not answer (such as {@code user:typing} or {@code message:read}). Idempotent.
     */
    default void end() {
        throw new UnsupportedOperationException("end() is not supported by " + getClass().getName());
    }

    /** Whether the request has ended (completed, failed, cancelled or its connection closed). */
    boolean isDone();

    /** Whether the client cancelled the request (or its connection went away). */
    boolean isCancelled();

    /**
     * Runs {@code action} once if the request is cancelled (immediately when it already is). Use it
     * to stop work in progress.
     */
    void onCancel(Runnable action);

    /** An executor for slow work, off the event loop. */
    Executor worker();
}
