package dev.voxwire.core.transport;

import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.protocol.Envelope;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link Link} reports to its {@link TransportEngine}. Implemented by the engine, one per
 * connect attempt: reports from a link that was abandoned or superseded are ignored.
 *
 * <p>May be called from any thread (a Netty event loop, typically). Every method only hands the
 * report to the engine's serial context and returns at once: it never blocks and never calls
 * back into the link or into application listeners on the caller's stack.
 *
 * <p>Reports made before {@link LinkOpener#open}'s stage completes are accepted too (an SSE
 * stream delivers {@code system:connected} before it counts as open).
 */
public interface LinkListener {
    /** One inbound message: the JSON text of an envelope (decoded by the engine's codec). */
    void onText(String json);

    /** One inbound envelope the link decoded itself; {@code bytes} is its encoded size (0 if unknown). */
    void onEnvelope(Envelope envelope, long bytes);

    /** A sign of life: the answer to {@link Link#ping()}, or any liveness signal (an SSE comment line). */
    void onAlive();

    /** The link can take writes again after {@link Link#isWritable()} was {@code false}. */
    void onWritable();

    /**
     * The server asked for at least {@code delay} between reconnect attempts (an SSE {@code retry:}
     * field). From the next connection loss on, the reconnect policy's minimum delay is raised to
     * it (and its maximum, if lower). A zero delay is ignored.
     */
    void onReconnectDelayHint(Duration delay);

    /**
     * The connection ended (once; later calls are ignored). {@code cause} says why, with an
     * {@link dev.voxwire.core.ErrorCode}: a retryable code starts the reconnect loop, a
     * non-retryable one (such as {@code AUTH_FAILED}) ends the transport in {@code FAILED}.
     * {@code null} means it was lost without a known reason ({@code NETWORK}).
     */
    void onClosed(@Nullable VoxwireException cause);
}
