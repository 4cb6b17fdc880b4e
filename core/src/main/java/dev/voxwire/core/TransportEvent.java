package dev.voxwire.core;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.protocol.Envelope;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Everything a transport tells its listeners. The hierarchy is sealed, so a {@code switch}
 * over it is exhaustive.
 *
 * <p>Events of one transport are delivered in order, one at a time, never recursively (see
 * {@link TransportListener}). {@link Closed} is always the last event of a transport.
 */
public sealed interface TransportEvent {

    /** The connection state changed; {@code cause} is set when an error caused it. */
    record StateChanged(ConnectionState from, ConnectionState to, @Nullable ErrorCode cause)
            implements TransportEvent {
        public StateChanged {
            requireNonNull(from, "from");
            requireNonNull(to, "to");
        }
    }

    /**
     * A server event that is not a progress, result or error of a request: pushed events such
     * as {@code message:new} or {@code presence:update}, and informational events of a request.
     * {@code requestId} is set when the event names one.
     */
    record Message(Envelope envelope, @Nullable String requestId) implements TransportEvent {
        public Message {
            requireNonNull(envelope, "envelope");
        }
    }

    /** An intermediate event of a request, such as {@code analysis:progress}. */
    record Progress(String requestId, Envelope envelope) implements TransportEvent {
        public Progress {
            requireNonNull(requestId, "requestId");
            requireNonNull(envelope, "envelope");
        }
    }

    /** The final successful event of a request, such as {@code analysis:result}. */
    record Result(String requestId, Envelope envelope) implements TransportEvent {
        public Result {
            requireNonNull(requestId, "requestId");
            requireNonNull(envelope, "envelope");
        }
    }

    /**
     * An error: from the server ({@code error} events), or local (a failed write, a lost
     * connection). {@code requestId} is set when the error belongs to one request.
     */
    record Error(
            ErrorCode code,
            String message,
            @Nullable String requestId,
            boolean retrySuggested,
            @Nullable Duration retryAfter)
            implements TransportEvent {
        public Error {
            requireNonNull(code, "code");
            requireNonNull(message, "message");
        }

        /** An error event built from an exception. */
        public static Error of(VoxwireException e, @Nullable String requestId) {
            return new Error(e.code(), String.valueOf(e.getMessage()), requestId, e.retryable(),
                    e.retryAfter().orElse(null));
        }
    }

    /** The connection was lost; attempt {@code attempt} starts after {@code delay}. */
    record Reconnecting(int attempt, Duration delay, ErrorCode cause) implements TransportEvent {
        public Reconnecting {
            requireNonNull(delay, "delay");
            requireNonNull(cause, "cause");
        }
    }

    /**
     * Connected again after {@code attempts} attempts. {@code resumed} says whether the server
     * resumed the session (replaying {@code replayed} missed events) or started a new one.
     */
    record Reconnected(int attempts, boolean resumed, int replayed) implements TransportEvent {
    }

    /** Heartbeats went unanswered {@code missed} times in a row; at {@code threshold} the connection is dropped. */
    record HeartbeatMissed(int missed, int threshold) implements TransportEvent {
    }

    /** A transport could not be used, and the factory switched to another one. */
    record TransportFallback(String from, String to, ErrorCode cause, String reason) implements TransportEvent {
        public TransportFallback {
            requireNonNull(from, "from");
            requireNonNull(to, "to");
            requireNonNull(cause, "cause");
            requireNonNull(reason, "reason");
        }
    }

    /**
     * The transport is closed for good: the last event it sends. {@code code} is {@code null}
     * after an orderly {@code close()}, and the error that ended it otherwise.
     */
    record Closed(@Nullable ErrorCode code, String reason) implements TransportEvent {
        public Closed {
            requireNonNull(reason, "reason");
        }
    }
}
