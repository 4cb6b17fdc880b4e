package dev.voxwire.core.transport;

import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.protocol.Utf8;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * One open connection of a transport, as {@link TransportEngine} uses it: write an encoded
 * envelope, ping, close. Implemented by transport authors; the engine never calls two methods of
 * a link at the same time (it calls them from its serial context), and never after
 * {@link #close(CloseReason)}.
 *
 * <p>What happens on the connection (inbound messages, liveness, writability, the end) is
 * reported to the {@link LinkListener} given to {@link LinkOpener#open}.
 */
public interface Link {

    /** Why the engine closes a link. */
    enum CloseReason {
        /** The application closed the transport: an orderly close (WebSocket 1000). */
        CLIENT_CLOSED,
        /** Heartbeats went unanswered: the peer is presumed dead; cut the connection (WebSocket 1001). */
        HEARTBEAT_TIMEOUT,
        /** The transport failed for good (a non-retryable error, reconnect gave up). */
        TRANSPORT_FAILED,
        /** The link is no longer wanted: it opened after the transport closed or the attempt was superseded. */
        ABANDONED
    }

    /**
     * Writes one envelope; {@code encoded} is its JSON as produced by the engine's codec (write it
     * as is: a WebSocket text frame, an HTTP POST body, ...). The stage completes when the peer
     * has it (written to the socket, or accepted by the server), or exceptionally with a
     * {@link dev.voxwire.core.VoxwireException}. {@code CLOSED}, {@code NETWORK} or
     * {@code CONNECTION_TIMEOUT} mean "not written" (the connection went away under it, the body
     * did not leave): the engine sends it again, first, on this link if it is still
     * {@linkplain #isWritable() writable} (a request fails after
     * {@value TransportEngine#MAX_WRITE_ATTEMPTS} such failures in a row), otherwise after the next
     * reconnect. Any other code means the peer got it and refused it (an HTTP 400, 429 or 503
     * answer to a POST): the request fails with that code (and its retry-after). A link that
     * cannot tell whether the peer got it (written, then no answer) should fail with a code other
     * than those three, so the request is not sent twice. Must not block.
     */
    CompletionStage<Void> write(Envelope envelope, String encoded);

    /**
     * How many bytes {@link #write} will put on the wire for this envelope, for the byte meters
     * ({@code voxwire.transport.bytes.out}); the engine asks right before it writes. Default: the
     * UTF-8 length of {@code encoded}. Override when the link sends another form (a WebSocket
     * binary frame carries {@code payload.data} as raw bytes, not base64).
     */
    default long wireBytes(Envelope envelope, String encoded) {
        return Utf8.encodedLength(encoded);
    }

    /**
     * Whether a write now would go out without piling up (Netty channel writability, a free
     * POST slot). While {@code false} the engine keeps envelopes in its outbound queue; the link
     * calls {@link LinkListener#onWritable()} when it can take more. Default {@code true}.
     */
    default boolean isWritable() {
        return true;
    }

    /**
     * Sends one heartbeat (a WebSocket ping frame, a {@code system:ping} POST). Its answer, or any
     * other sign of life, is reported with {@link LinkListener#onAlive()}. A link whose peer sends
     * liveness signals by itself (SSE comment lines) may do nothing here. Must not block.
     */
    void ping();

    /**
     * Closes the connection and releases everything it holds; completes once it is closed, on
     * every path. {@link LinkListener#onClosed} may or may not be called afterwards (the engine
     * ignores it). Idempotent.
     */
    CompletionStage<Void> close(CloseReason reason);

    /**
     * For links whose resume is negotiated while opening ({@link ResumeStyle#AT_OPEN}, such as SSE
     * with {@code X-Voxwire-Session} and {@code Last-Event-ID}): whether the server resumed the
     * session asked for in {@link LinkOpenRequest#resumeFrom()}. Empty when not known or not
     * applicable. Default empty.
     */
    default Optional<Boolean> resumed() {
        return Optional.empty();
    }
}
